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
    async fn call(
        &self,
        _: ::brisk::__private::Request,
    ) -> ::brisk::__private::Response {
        let handler = plaintext;
        let output = handler().await;
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
    async fn call(
        &self,
        request: ::brisk::__private::Request,
    ) -> ::brisk::__private::Response {
        let handler = read_item;
        let mut errors = ::brisk::__private::Errors::new();
        let item_id = ::brisk::__private::Param::<i64>::path("item_id", 0)
            .extract(&request, &mut errors);
        let q = ::brisk::__private::Param::<Option<String>>::query("q")
            .extract(&request, &mut errors);
        let limit = ::brisk::__private::Param::<u32>::query("limit")
            .default(|| 10)
            .ge(1)
            .le(100)
            .extract(&request, &mut errors);
        let (
            ::core::option::Option::Some(item_id),
            ::core::option::Option::Some(q),
            ::core::option::Option::Some(limit),
        ) = (item_id, q, limit) else {
            return errors.into_response();
        };
        let output = handler(item_id, q, limit).await;
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
    async fn call(
        &self,
        mut request: ::brisk::__private::Request,
    ) -> ::brisk::__private::Response {
        let handler = create_item;
        let mut errors = ::brisk::__private::Errors::new();
        let item = ::brisk::__private::json_body::<
            ItemCreate,
            false,
        >(&mut request, &mut errors)
            .await
            .filter(|body| ::brisk::__private::validate_body!(body, & mut errors));
        let (::core::option::Option::Some(item),) = (item,) else {
            return errors.into_response();
        };
        let output = handler(item, request).await;
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
    async fn call(
        &self,
        mut request: ::brisk::__private::Request,
    ) -> ::brisk::__private::Response {
        static TAGS_PATTERN: ::brisk::__private::LazyLock<::brisk::__private::Regex> = ::brisk::__private::LazyLock::new(||
        ::brisk::__private::regex("^[a-z]+$"));
        let handler = search;
        let mut errors = ::brisk::__private::Errors::new();
        let user_agent = ::brisk::__private::Param::<
            Option<String>,
        >::header_named(
                "user-agent",
                const { ::brisk::http::HeaderName::from_static("user-agent") },
            )
            .extract(&request, &mut errors);
        let session = ::brisk::__private::Param::<String>::cookie("session-id")
            .extract(&request, &mut errors);
        let tags = ::brisk::__private::Param::<Vec<String>>::query("tags")
            .min_length(3)
            .pattern(&TAGS_PATTERN, "^[a-z]+$")
            .extract(&request, &mut errors);
        let ratio = ::brisk::__private::Param::<f64>::query("ratio")
            .gt(0.0)
            .extract(&request, &mut errors);
        let db = errors
            .absorb(
                <State<
                    Db,
                > as ::brisk::__private::FromRequest>::from_request(&mut request)
                    .await,
            );
        let (
            ::core::option::Option::Some(user_agent),
            ::core::option::Option::Some(session),
            ::core::option::Option::Some(tags),
            ::core::option::Option::Some(ratio),
            ::core::option::Option::Some(db),
        ) = (user_agent, session, tags, ratio, db) else {
            return errors.into_response();
        };
        let output = match ::brisk::__private::run_blocking(
                "search",
                move || handler(user_agent, session, tags, ratio, db),
            )
            .await
        {
            ::core::result::Result::Ok(output) => output,
            ::core::result::Result::Err(response) => return response,
        };
        ::brisk::__private::IntoResponse::into_response(output)
    }
}
