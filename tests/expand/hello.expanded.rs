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
#[allow(unused_variables, unused_mut)]
const _: () = {
    use ::brisk::__private as __brisk;
    impl __brisk::Endpoint for plaintext {
        const INFO: __brisk::RouteInfo = ::brisk::__private::RouteInfo {
            method: ::brisk::__private::Method::GET,
            path: "/plaintext",
            name: "plaintext",
            response: |generator| {
                ::brisk::__private::ResponseOf::<&'static str>::new().describe(generator)
            },
            ..::brisk::__private::RouteInfo::DEFAULT
        };
        fn call(
            &self,
            request: __brisk::Request,
        ) -> impl __brisk::Future<Output = __brisk::Response> + ::core::marker::Send {
            __brisk::drive_bare::<Self>(request)
        }
    }
    impl __brisk::Chain for plaintext {
        type State = ();
        type Args = ();
        type Output = &'static str;
        type Carry = ();
        fn begin(
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) -> Self::State {
            let mut state: Self::State = ();
            state
        }
        fn args(
            state: Self::State,
            errors: &mut __brisk::Errors,
        ) -> __brisk::Option<Self::Args> {
            let () = state;
            __brisk::Option::Some(())
        }
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            let handler = plaintext;
            let file_request = ();
            let () = args;
            (handler(), file_request)
        }
    }
    impl __brisk::Respond for plaintext {
        fn respond(
            output: Self::Output,
            file_request: Self::Carry,
        ) -> __brisk::Response {
            __brisk::IntoResponse::into_response(output)
        }
    }
};
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
#[allow(unused_variables, unused_mut)]
const _: () = {
    use ::brisk::__private as __brisk;
    impl __brisk::Endpoint for read_item {
        const INFO: __brisk::RouteInfo = ::brisk::__private::RouteInfo {
            method: ::brisk::__private::Method::GET,
            path: "/items/{item_id}",
            name: "read_item",
            params: &[
                ::brisk::__private::ParamInfo {
                    name: "item_id",
                    location: ::brisk::__private::ParamLocation::Path,
                    required: true,
                    schema: |generator| {
                        ::brisk::__private::SchemaOf::<i64>::new().schema(generator)
                    },
                },
                ::brisk::__private::ParamInfo {
                    name: "q",
                    location: ::brisk::__private::ParamLocation::Query,
                    required: false,
                    schema: |generator| {
                        ::brisk::__private::SchemaOf::<Option<String>>::new()
                            .schema(generator)
                    },
                },
                ::brisk::__private::ParamInfo {
                    name: "limit",
                    location: ::brisk::__private::ParamLocation::Query,
                    required: false,
                    schema: |generator| {
                        let mut schema = ::brisk::__private::SchemaOf::<u32>::new()
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
                                ::brisk::__private::Example::new(&value).to_json()
                            },
                        );
                        schema
                    },
                },
            ],
            response: |generator| {
                ::brisk::__private::ResponseOf::<Json<Item>>::new().describe(generator)
            },
            ..::brisk::__private::RouteInfo::DEFAULT
        };
        fn call(
            &self,
            request: __brisk::Request,
        ) -> impl __brisk::Future<Output = __brisk::Response> + ::core::marker::Send {
            __brisk::drive0::<Self>(request)
        }
    }
    impl __brisk::Chain for read_item {
        type State = (
            __brisk::Option<i64>,
            __brisk::Option<Option<String>>,
            __brisk::Option<u32>,
        );
        type Args = (i64, Option<String>, u32);
        type Output = Json<Item>;
        type Carry = ();
        fn begin(
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) -> Self::State {
            let mut state: Self::State = (
                __brisk::Option::None,
                __brisk::Option::None,
                __brisk::Option::None,
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
        fn args(
            state: Self::State,
            errors: &mut __brisk::Errors,
        ) -> __brisk::Option<Self::Args> {
            let (
                __brisk::Option::Some(item_id),
                __brisk::Option::Some(q),
                __brisk::Option::Some(limit),
            ) = state else {
                return __brisk::Option::None;
            };
            __brisk::Option::Some((item_id, q, limit))
        }
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            let handler = read_item;
            let file_request = ();
            let (item_id, q, limit) = args;
            (handler(item_id, q, limit), file_request)
        }
    }
    impl __brisk::Respond for read_item {
        fn respond(
            output: Self::Output,
            file_request: Self::Carry,
        ) -> __brisk::Response {
            __brisk::IntoResponse::into_response(output)
        }
    }
};
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
#[allow(unused_variables, unused_mut)]
const _: () = {
    use ::brisk::__private as __brisk;
    impl __brisk::Endpoint for create_item {
        const INFO: __brisk::RouteInfo = ::brisk::__private::RouteInfo {
            method: ::brisk::__private::Method::POST,
            path: "/items",
            name: "create_item",
            body: ::brisk::__private::BodyReader::Json,
            request_body: &[
                ::brisk::__private::BodyField {
                    name: "item",
                    kind: ::brisk::__private::BodyKind::Json,
                    required: true,
                    schema: |generator| ::brisk::__private::BodySchema {
                        schema: ::brisk::__private::SchemaOf::<ItemCreate>::new()
                            .schema(generator),
                        whole: true,
                    },
                },
            ],
            response: |generator| {
                ::brisk::__private::ResponseOf::<Result<Json<Item>, HttpError>>::new()
                    .describe(generator)
            },
            status_code: ::core::option::Option::Some(201u16),
            ..::brisk::__private::RouteInfo::DEFAULT
        };
        fn call(
            &self,
            request: __brisk::Request,
        ) -> impl __brisk::Future<Output = __brisk::Response> + ::core::marker::Send {
            __brisk::drive1::<Self>(request)
        }
    }
    impl __brisk::Chain for create_item {
        type State = (__brisk::Option<ItemCreate>,);
        type Args = (ItemCreate,);
        type Output = Result<Json<Item>, HttpError>;
        type Carry = ();
        fn begin(
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) -> Self::State {
            let mut state: Self::State = (__brisk::Option::None,);
            state
        }
        fn args(
            state: Self::State,
            errors: &mut __brisk::Errors,
        ) -> __brisk::Option<Self::Args> {
            let (__brisk::Option::Some(item),) = state else {
                return __brisk::Option::None;
            };
            __brisk::Option::Some((item,))
        }
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            let handler = create_item;
            let file_request = ();
            let (item,) = args;
            (handler(item, request), file_request)
        }
    }
    impl __brisk::Step<0> for create_item {
        type Out = __brisk::Option<ItemCreate>;
        fn start<'a>(
            request: &'a mut __brisk::Request,
            errors: &'a mut __brisk::Errors,
        ) -> impl __brisk::Future<Output = Self::Out> + 'a {
            __brisk::json_body::<ItemCreate, false>(request, errors)
        }
        fn keep(
            state: &mut Self::State,
            out: Self::Out,
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) {
            state.0 = out.filter(|body| __brisk::Validated::new(body).check(errors));
        }
    }
    impl __brisk::Respond for create_item {
        fn respond(
            output: Self::Output,
            file_request: Self::Carry,
        ) -> __brisk::Response {
            __brisk::IntoResponse::into_response_with_status(
                output,
                __brisk::status_code(201),
            )
        }
    }
};
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
#[allow(unused_variables, unused_mut)]
const _: () = {
    use ::brisk::__private as __brisk;
    impl __brisk::Endpoint for search {
        const INFO: __brisk::RouteInfo = ::brisk::__private::RouteInfo {
            method: ::brisk::__private::Method::GET,
            path: "/search",
            name: "search",
            params: &[
                ::brisk::__private::ParamInfo {
                    name: "user-agent",
                    location: ::brisk::__private::ParamLocation::Header,
                    required: false,
                    schema: |generator| {
                        ::brisk::__private::SchemaOf::<Option<String>>::new()
                            .schema(generator)
                    },
                },
                ::brisk::__private::ParamInfo {
                    name: "session-id",
                    location: ::brisk::__private::ParamLocation::Cookie,
                    required: true,
                    schema: |generator| {
                        ::brisk::__private::SchemaOf::<String>::new().schema(generator)
                    },
                },
                ::brisk::__private::ParamInfo {
                    name: "tags",
                    location: ::brisk::__private::ParamLocation::Query,
                    required: false,
                    schema: |generator| {
                        let mut schema = ::brisk::__private::SchemaOf::<
                            Vec<String>,
                        >::new()
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
                        let mut schema = ::brisk::__private::SchemaOf::<f64>::new()
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
            response: |generator| {
                ::brisk::__private::ResponseOf::<Json<Vec<Hit>>>::new()
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
            ..::brisk::__private::RouteInfo::DEFAULT
        };
        fn call(
            &self,
            request: __brisk::Request,
        ) -> impl __brisk::Future<Output = __brisk::Response> + ::core::marker::Send {
            __brisk::drive1::<Self>(request)
        }
    }
    impl __brisk::Chain for search {
        type State = (
            __brisk::Option<Option<String>>,
            __brisk::Option<String>,
            __brisk::Option<Vec<String>>,
            __brisk::Option<f64>,
            __brisk::Option<State<Db>>,
        );
        type Args = (Option<String>, String, Vec<String>, f64, State<Db>);
        type Output = __brisk::Result<Json<Vec<Hit>>, __brisk::Response>;
        type Carry = ();
        fn begin(
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) -> Self::State {
            let mut state: Self::State = (
                __brisk::Option::None,
                __brisk::Option::None,
                __brisk::Option::None,
                __brisk::Option::None,
                __brisk::Option::None,
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
            static TAGS_PATTERN: ::brisk::__private::LazyLock<
                ::brisk::__private::Regex,
            > = ::brisk::__private::LazyLock::new(|| ::brisk::__private::regex(
                "^[a-z]+$",
            ));
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
        fn args(
            state: Self::State,
            errors: &mut __brisk::Errors,
        ) -> __brisk::Option<Self::Args> {
            let (
                __brisk::Option::Some(user_agent),
                __brisk::Option::Some(session),
                __brisk::Option::Some(tags),
                __brisk::Option::Some(ratio),
                __brisk::Option::Some(db),
            ) = state else {
                return __brisk::Option::None;
            };
            __brisk::Option::Some((user_agent, session, tags, ratio, db))
        }
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            let handler = search;
            let file_request = ();
            let (user_agent, session, tags, ratio, db) = args;
            (
                __brisk::run_blocking(
                    "search",
                    move || handler(user_agent, session, tags, ratio, db),
                ),
                file_request,
            )
        }
    }
    impl __brisk::Step<0> for search {
        type Out = __brisk::Result<State<Db>, __brisk::Rejection>;
        fn start<'a>(
            request: &'a mut __brisk::Request,
            errors: &'a mut __brisk::Errors,
        ) -> impl __brisk::Future<Output = Self::Out> + 'a {
            __brisk::extract(request)
        }
        fn keep(
            state: &mut Self::State,
            out: Self::Out,
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) {
            state.4 = errors.absorb(out);
        }
    }
    impl __brisk::Respond for search {
        fn respond(
            output: Self::Output,
            file_request: Self::Carry,
        ) -> __brisk::Response {
            let output = match output {
                __brisk::Result::Ok(output) => output,
                __brisk::Result::Err(response) => return response,
            };
            __brisk::IntoResponse::into_response(output)
        }
    }
};
