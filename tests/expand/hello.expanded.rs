use brisk::prelude::*;
async fn plaintext() -> &'static str {
    "Hello, World!"
}
const _: () = {
    #[allow(dead_code)]
    struct SendFuture(
        [(); {
            let _ = || ::brisk::__private::assert_send(plaintext());
            0
        }],
    );
};
/// The `GET /plaintext` route of [`plaintext()`]; register it with `routes![plaintext]`.
#[allow(non_camel_case_types)]
struct plaintext {}
impl ::brisk::__private::Endpoint for plaintext {
    const INFO: ::brisk::__private::RouteInfo = ::brisk::__private::RouteInfo {
        method: ::brisk::__private::Method::GET,
        path: "/plaintext",
        name: "plaintext",
        tags: &[],
        dependencies: &[],
        body: ::brisk::__private::BodyReader::None,
        params: &[],
        request_body: &[],
        response: |generator| {
            #[allow(unused_imports)]
            use ::brisk::__private::{DescribedResponse as _, UndescribedResponse as _};
            (&&::brisk::__private::ResponseOf::<&'static str>::new()).describe(generator)
        },
        security: &[],
        states: &[],
        responses: &[],
        summary: ::core::option::Option::None,
        description: ::core::option::Option::None,
        deprecated: false,
        operation_id: ::core::option::Option::None,
        include_in_schema: true,
        status_code: ::core::option::Option::None,
    };
    fn call(
        &self,
        request: ::brisk::__private::Request,
    ) -> impl ::core::future::Future<
        Output = ::brisk::__private::Response,
    > + ::core::marker::Send {
        ::brisk::__private::drive_bare::<Self>(request)
    }
}
impl ::brisk::__private::Chain for plaintext {
    type State = ();
    type Args = ();
    type Output = &'static str;
    type Carry = ();
    #[allow(unused_variables, unused_mut)]
    fn begin(
        request: &mut ::brisk::__private::Request,
        errors: &mut ::brisk::__private::Errors,
    ) -> Self::State {
        let mut state: Self::State = ();
        state
    }
    #[allow(unused_variables)]
    fn args(
        state: Self::State,
        errors: &mut ::brisk::__private::Errors,
    ) -> ::core::option::Option<Self::Args> {
        let () = state;
        ::core::option::Option::Some(())
    }
    #[allow(unused_variables)]
    fn handle(
        args: Self::Args,
        request: ::brisk::__private::Request,
    ) -> (impl ::core::future::Future<Output = Self::Output>, Self::Carry) {
        let handler = plaintext;
        let file_request = ();
        let () = args;
        (handler(), file_request)
    }
}
impl ::brisk::__private::Respond for plaintext {
    #[allow(unused_variables)]
    fn respond(
        output: Self::Output,
        file_request: Self::Carry,
    ) -> ::brisk::__private::Response {
        ::brisk::__private::IntoResponse::into_response(output)
    }
}
async fn read_item(item_id: i64, q: Option<String>, limit: u32) -> Json<Item> {
    Json(Item { item_id, q, limit })
}
const _: () = {
    #[allow(dead_code)]
    struct SendFuture(
        [(); {
            let _ = |argument0: i64, argument1: Option<String>, argument2: u32| ::brisk::__private::assert_send(
                read_item(argument0, argument1, argument2),
            );
            0
        }],
    );
};
/// The `GET /items/{item_id}` route of [`read_item()`]; register it with `routes![read_item]`.
#[allow(non_camel_case_types)]
struct read_item {}
impl ::brisk::__private::Endpoint for read_item {
    const INFO: ::brisk::__private::RouteInfo = ::brisk::__private::RouteInfo {
        method: ::brisk::__private::Method::GET,
        path: "/items/{item_id}",
        name: "read_item",
        tags: &[],
        dependencies: &[],
        body: ::brisk::__private::BodyReader::None,
        params: &[
            ::brisk::__private::ParamInfo {
                name: "item_id",
                location: ::brisk::__private::ParamLocation::Path,
                required: true,
                schema: |generator| {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{
                        Described as _, Serializable as _, Undescribed as _,
                        Unserializable as _,
                    };
                    let schema = (&&::brisk::__private::SchemaOf::<i64>::new())
                        .schema(generator);
                    schema
                },
            },
            ::brisk::__private::ParamInfo {
                name: "q",
                location: ::brisk::__private::ParamLocation::Query,
                required: false,
                schema: |generator| {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{
                        Described as _, Serializable as _, Undescribed as _,
                        Unserializable as _,
                    };
                    let schema = (&&::brisk::__private::SchemaOf::<
                        Option<String>,
                    >::new())
                        .schema(generator);
                    schema
                },
            },
            ::brisk::__private::ParamInfo {
                name: "limit",
                location: ::brisk::__private::ParamLocation::Query,
                required: false,
                schema: |generator| {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{
                        Described as _, Serializable as _, Undescribed as _,
                        Unserializable as _,
                    };
                    let mut schema = (&&::brisk::__private::SchemaOf::<u32>::new())
                        .schema(generator);
                    ::brisk::__private::constrain(
                        &mut schema,
                        "minimum",
                        ::brisk::__private::bound(1),
                    );
                    ::brisk::__private::constrain(
                        &mut schema,
                        "maximum",
                        ::brisk::__private::bound(100),
                    );
                    ::brisk::__private::constrain(
                        &mut schema,
                        "default",
                        {
                            let value = 10;
                            (&&::brisk::__private::Example(&value)).to_json()
                        },
                    );
                    schema
                },
            },
        ],
        request_body: &[],
        response: |generator| {
            #[allow(unused_imports)]
            use ::brisk::__private::{DescribedResponse as _, UndescribedResponse as _};
            (&&::brisk::__private::ResponseOf::<Json<Item>>::new()).describe(generator)
        },
        security: &[],
        states: &[],
        responses: &[],
        summary: ::core::option::Option::None,
        description: ::core::option::Option::None,
        deprecated: false,
        operation_id: ::core::option::Option::None,
        include_in_schema: true,
        status_code: ::core::option::Option::None,
    };
    fn call(
        &self,
        request: ::brisk::__private::Request,
    ) -> impl ::core::future::Future<
        Output = ::brisk::__private::Response,
    > + ::core::marker::Send {
        ::brisk::__private::drive0::<Self>(request)
    }
}
impl ::brisk::__private::Chain for read_item {
    type State = (
        ::core::option::Option<i64>,
        ::core::option::Option<Option<String>>,
        ::core::option::Option<u32>,
    );
    type Args = (i64, Option<String>, u32);
    type Output = Json<Item>;
    type Carry = ();
    #[allow(unused_variables, unused_mut)]
    fn begin(
        request: &mut ::brisk::__private::Request,
        errors: &mut ::brisk::__private::Errors,
    ) -> Self::State {
        let mut state: Self::State = (
            ::core::option::Option::None,
            ::core::option::Option::None,
            ::core::option::Option::None,
        );
        let item_id = ::brisk::__private::Param::<i64>::path("item_id", 0)
            .extract(request, errors);
        state.0 = item_id;
        let q = ::brisk::__private::Param::<Option<String>>::query("q")
            .extract(request, errors);
        state.1 = q;
        let limit = ::brisk::__private::Param::<u32>::query("limit")
            .default(|| 10)
            .ge(1)
            .le(100)
            .extract(request, errors);
        state.2 = limit;
        state
    }
    #[allow(unused_variables)]
    fn args(
        state: Self::State,
        errors: &mut ::brisk::__private::Errors,
    ) -> ::core::option::Option<Self::Args> {
        let (
            ::core::option::Option::Some(item_id),
            ::core::option::Option::Some(q),
            ::core::option::Option::Some(limit),
        ) = state else {
            return ::core::option::Option::None;
        };
        ::core::option::Option::Some((item_id, q, limit))
    }
    #[allow(unused_variables)]
    fn handle(
        args: Self::Args,
        request: ::brisk::__private::Request,
    ) -> (impl ::core::future::Future<Output = Self::Output>, Self::Carry) {
        let handler = read_item;
        let file_request = ();
        let (item_id, q, limit) = args;
        (handler(item_id, q, limit), file_request)
    }
}
impl ::brisk::__private::Respond for read_item {
    #[allow(unused_variables)]
    fn respond(
        output: Self::Output,
        file_request: Self::Carry,
    ) -> ::brisk::__private::Response {
        ::brisk::__private::IntoResponse::into_response(output)
    }
}
async fn create_item(
    item: ItemCreate,
    request: Request,
) -> Result<Json<Item>, HttpError> {
    save(item, request.client_addr()).await
}
const _: () = {
    #[allow(dead_code)]
    struct SendFuture(
        [(); {
            let _ = |argument0: ItemCreate, argument1: Request| ::brisk::__private::assert_send(
                create_item(argument0, argument1),
            );
            0
        }],
    );
};
/// The `POST /items` route of [`create_item()`]; register it with `routes![create_item]`.
#[allow(non_camel_case_types)]
struct create_item {}
impl ::brisk::__private::Endpoint for create_item {
    const INFO: ::brisk::__private::RouteInfo = ::brisk::__private::RouteInfo {
        method: ::brisk::__private::Method::POST,
        path: "/items",
        name: "create_item",
        tags: &[],
        dependencies: &[],
        body: ::brisk::__private::BodyReader::Json,
        params: &[],
        request_body: &[
            ::brisk::__private::BodyField {
                name: "item",
                kind: ::brisk::__private::BodyKind::Json,
                required: true,
                schema: |generator| ::brisk::__private::BodySchema {
                    schema: {
                        #[allow(unused_imports)]
                        use ::brisk::__private::{
                            Described as _, Serializable as _, Undescribed as _,
                            Unserializable as _,
                        };
                        let schema = (&&::brisk::__private::SchemaOf::<
                            ItemCreate,
                        >::new())
                            .schema(generator);
                        schema
                    },
                    whole: true,
                },
            },
        ],
        response: |generator| {
            #[allow(unused_imports)]
            use ::brisk::__private::{DescribedResponse as _, UndescribedResponse as _};
            (&&::brisk::__private::ResponseOf::<Result<Json<Item>, HttpError>>::new())
                .describe(generator)
        },
        security: &[],
        states: &[],
        responses: &[],
        summary: ::core::option::Option::None,
        description: ::core::option::Option::None,
        deprecated: false,
        operation_id: ::core::option::Option::None,
        include_in_schema: true,
        status_code: ::core::option::Option::Some(201u16),
    };
    fn call(
        &self,
        request: ::brisk::__private::Request,
    ) -> impl ::core::future::Future<
        Output = ::brisk::__private::Response,
    > + ::core::marker::Send {
        ::brisk::__private::drive1::<Self>(request)
    }
}
impl ::brisk::__private::Chain for create_item {
    type State = (::core::option::Option<ItemCreate>,);
    type Args = (ItemCreate,);
    type Output = Result<Json<Item>, HttpError>;
    type Carry = ();
    #[allow(unused_variables, unused_mut)]
    fn begin(
        request: &mut ::brisk::__private::Request,
        errors: &mut ::brisk::__private::Errors,
    ) -> Self::State {
        let mut state: Self::State = (::core::option::Option::None,);
        state
    }
    #[allow(unused_variables)]
    fn args(
        state: Self::State,
        errors: &mut ::brisk::__private::Errors,
    ) -> ::core::option::Option<Self::Args> {
        let (::core::option::Option::Some(item),) = state else {
            return ::core::option::Option::None;
        };
        ::core::option::Option::Some((item,))
    }
    #[allow(unused_variables)]
    fn handle(
        args: Self::Args,
        request: ::brisk::__private::Request,
    ) -> (impl ::core::future::Future<Output = Self::Output>, Self::Carry) {
        let handler = create_item;
        let file_request = ();
        let (item,) = args;
        (handler(item, request), file_request)
    }
}
impl ::brisk::__private::Step<0> for create_item {
    type Out = ::core::option::Option<ItemCreate>;
    fn start<'a>(
        request: &'a mut ::brisk::__private::Request,
        errors: &'a mut ::brisk::__private::Errors,
    ) -> impl ::core::future::Future<Output = Self::Out> + 'a {
        ::brisk::__private::json_body::<ItemCreate, false>(request, errors)
    }
    #[allow(unused_variables)]
    fn keep(
        state: &mut Self::State,
        out: Self::Out,
        request: &mut ::brisk::__private::Request,
        errors: &mut ::brisk::__private::Errors,
    ) {
        state.0 = out.filter(|body| ::brisk::__private::validate_body!(body, errors));
    }
}
impl ::brisk::__private::Respond for create_item {
    #[allow(unused_variables)]
    fn respond(
        output: Self::Output,
        file_request: Self::Carry,
    ) -> ::brisk::__private::Response {
        ::brisk::__private::IntoResponse::into_response_with_status(
            output,
            ::brisk::__private::status_code(201),
        )
    }
}
fn search(
    user_agent: Option<String>,
    session: String,
    tags: Vec<String>,
    ratio: f64,
    db: State<Db>,
) -> Json<Vec<Hit>> {
    Json(db.search(&tags, ratio, user_agent.as_deref(), &session))
}
/// The `GET /search` route of [`search()`]; register it with `routes![search]`.
#[allow(non_camel_case_types)]
struct search {}
impl ::brisk::__private::Endpoint for search {
    const INFO: ::brisk::__private::RouteInfo = ::brisk::__private::RouteInfo {
        method: ::brisk::__private::Method::GET,
        path: "/search",
        name: "search",
        tags: &[],
        dependencies: &[],
        body: ::brisk::__private::BodyReader::None,
        params: &[
            ::brisk::__private::ParamInfo {
                name: "user-agent",
                location: ::brisk::__private::ParamLocation::Header,
                required: false,
                schema: |generator| {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{
                        Described as _, Serializable as _, Undescribed as _,
                        Unserializable as _,
                    };
                    let schema = (&&::brisk::__private::SchemaOf::<
                        Option<String>,
                    >::new())
                        .schema(generator);
                    schema
                },
            },
            ::brisk::__private::ParamInfo {
                name: "session-id",
                location: ::brisk::__private::ParamLocation::Cookie,
                required: true,
                schema: |generator| {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{
                        Described as _, Serializable as _, Undescribed as _,
                        Unserializable as _,
                    };
                    let schema = (&&::brisk::__private::SchemaOf::<String>::new())
                        .schema(generator);
                    schema
                },
            },
            ::brisk::__private::ParamInfo {
                name: "tags",
                location: ::brisk::__private::ParamLocation::Query,
                required: false,
                schema: |generator| {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{
                        Described as _, Serializable as _, Undescribed as _,
                        Unserializable as _,
                    };
                    let mut schema = (&&::brisk::__private::SchemaOf::<
                        Vec<String>,
                    >::new())
                        .schema(generator);
                    ::brisk::__private::constrain(
                        &mut schema,
                        "minLength",
                        ::brisk::__private::bound(3),
                    );
                    ::brisk::__private::constrain(
                        &mut schema,
                        "pattern",
                        ::brisk::__private::bound("^[a-z]+$"),
                    );
                    schema
                },
            },
            ::brisk::__private::ParamInfo {
                name: "ratio",
                location: ::brisk::__private::ParamLocation::Query,
                required: true,
                schema: |generator| {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{
                        Described as _, Serializable as _, Undescribed as _,
                        Unserializable as _,
                    };
                    let mut schema = (&&::brisk::__private::SchemaOf::<f64>::new())
                        .schema(generator);
                    ::brisk::__private::constrain(
                        &mut schema,
                        "exclusiveMinimum",
                        ::brisk::__private::bound(0),
                    );
                    schema
                },
            },
        ],
        request_body: &[],
        response: |generator| {
            #[allow(unused_imports)]
            use ::brisk::__private::{DescribedResponse as _, UndescribedResponse as _};
            (&&::brisk::__private::ResponseOf::<Json<Vec<Hit>>>::new())
                .describe(generator)
        },
        security: &[
            || {
                #[allow(unused_imports)]
                use ::brisk::__private::{Secured as _, Unsecured as _};
                (&&::brisk::__private::SecurityOf::<State<Db>>::new()).requirement()
            },
        ],
        states: &[
            || {
                #[allow(unused_imports)]
                use ::brisk::__private::{NeedsState as _, NeedsNoState as _};
                (&&::brisk::__private::StateOf::<State<Db>>::new()).need()
            },
        ],
        responses: &[],
        summary: ::core::option::Option::None,
        description: ::core::option::Option::None,
        deprecated: false,
        operation_id: ::core::option::Option::None,
        include_in_schema: true,
        status_code: ::core::option::Option::None,
    };
    fn call(
        &self,
        request: ::brisk::__private::Request,
    ) -> impl ::core::future::Future<
        Output = ::brisk::__private::Response,
    > + ::core::marker::Send {
        ::brisk::__private::drive1::<Self>(request)
    }
}
impl ::brisk::__private::Chain for search {
    type State = (
        ::core::option::Option<Option<String>>,
        ::core::option::Option<String>,
        ::core::option::Option<Vec<String>>,
        ::core::option::Option<f64>,
        ::core::option::Option<State<Db>>,
    );
    type Args = (Option<String>, String, Vec<String>, f64, State<Db>);
    type Output = ::core::result::Result<Json<Vec<Hit>>, ::brisk::__private::Response>;
    type Carry = ();
    #[allow(unused_variables, unused_mut)]
    fn begin(
        request: &mut ::brisk::__private::Request,
        errors: &mut ::brisk::__private::Errors,
    ) -> Self::State {
        let mut state: Self::State = (
            ::core::option::Option::None,
            ::core::option::Option::None,
            ::core::option::Option::None,
            ::core::option::Option::None,
            ::core::option::Option::None,
        );
        let user_agent = ::brisk::__private::Param::<
            Option<String>,
        >::header_named(
                "user-agent",
                const { ::brisk::http::HeaderName::from_static("user-agent") },
            )
            .extract(request, errors);
        state.0 = user_agent;
        let session = ::brisk::__private::Param::<String>::cookie("session-id")
            .extract(request, errors);
        state.1 = session;
        static TAGS_PATTERN: ::brisk::__private::LazyLock<::brisk::__private::Regex> = ::brisk::__private::LazyLock::new(||
        ::brisk::__private::regex("^[a-z]+$"));
        let tags = ::brisk::__private::Param::<Vec<String>>::query("tags")
            .min_length(3)
            .pattern(&TAGS_PATTERN, "^[a-z]+$")
            .extract(request, errors);
        state.2 = tags;
        let ratio = ::brisk::__private::Param::<f64>::query("ratio")
            .gt(0.0)
            .extract(request, errors);
        state.3 = ratio;
        state
    }
    #[allow(unused_variables)]
    fn args(
        state: Self::State,
        errors: &mut ::brisk::__private::Errors,
    ) -> ::core::option::Option<Self::Args> {
        let (
            ::core::option::Option::Some(user_agent),
            ::core::option::Option::Some(session),
            ::core::option::Option::Some(tags),
            ::core::option::Option::Some(ratio),
            ::core::option::Option::Some(db),
        ) = state else {
            return ::core::option::Option::None;
        };
        ::core::option::Option::Some((user_agent, session, tags, ratio, db))
    }
    #[allow(unused_variables)]
    fn handle(
        args: Self::Args,
        request: ::brisk::__private::Request,
    ) -> (impl ::core::future::Future<Output = Self::Output>, Self::Carry) {
        let handler = search;
        let file_request = ();
        let (user_agent, session, tags, ratio, db) = args;
        (
            ::brisk::__private::run_blocking(
                "search",
                move || handler(user_agent, session, tags, ratio, db),
            ),
            file_request,
        )
    }
}
impl ::brisk::__private::Step<0> for search {
    type Out = ::core::result::Result<State<Db>, ::brisk::__private::Rejection>;
    fn start<'a>(
        request: &'a mut ::brisk::__private::Request,
        errors: &'a mut ::brisk::__private::Errors,
    ) -> impl ::core::future::Future<Output = Self::Out> + 'a {
        ::brisk::__private::extract(request)
    }
    #[allow(unused_variables)]
    fn keep(
        state: &mut Self::State,
        out: Self::Out,
        request: &mut ::brisk::__private::Request,
        errors: &mut ::brisk::__private::Errors,
    ) {
        state.4 = errors.absorb(out);
    }
}
impl ::brisk::__private::Respond for search {
    #[allow(unused_variables)]
    fn respond(
        output: Self::Output,
        file_request: Self::Carry,
    ) -> ::brisk::__private::Response {
        let output = match output {
            ::core::result::Result::Ok(output) => output,
            ::core::result::Result::Err(response) => return response,
        };
        ::brisk::__private::IntoResponse::into_response(output)
    }
}
