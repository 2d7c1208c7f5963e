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
        const INFO: __brisk::RouteInfo = __brisk::RouteInfo {
            method: __brisk::Method::GET,
            path: "/plaintext",
            name: "plaintext",
            response: |generator| {
                __brisk::ResponseOf::<&'static str>::new().describe(generator)
            },
            ..__brisk::RouteInfo::DEFAULT
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
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            (plaintext(), ())
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
        const INFO: __brisk::RouteInfo = __brisk::RouteInfo {
            method: __brisk::Method::GET,
            path: "/items/{item_id}",
            name: "read_item",
            params: &[
                __brisk::ParamInfo {
                    name: "item_id",
                    location: __brisk::ParamLocation::Path,
                    required: true,
                    schema: |generator| __brisk::SchemaOf::<i64>::new().schema(generator),
                },
                __brisk::ParamInfo {
                    name: "q",
                    location: __brisk::ParamLocation::Query,
                    required: false,
                    schema: |generator| {
                        __brisk::SchemaOf::<Option<String>>::new().schema(generator)
                    },
                },
                __brisk::ParamInfo {
                    name: "limit",
                    location: __brisk::ParamLocation::Query,
                    required: false,
                    schema: |generator| {
                        let mut schema = __brisk::SchemaOf::<u32>::new()
                            .schema(generator);
                        __brisk::constrain(&mut schema, "minimum", __brisk::bound(1));
                        __brisk::constrain(&mut schema, "maximum", __brisk::bound(100));
                        __brisk::constrain(
                            &mut schema,
                            "default",
                            {
                                let value = 10;
                                __brisk::Example::new(&value).to_json()
                            },
                        );
                        schema
                    },
                },
            ],
            response: |generator| {
                __brisk::ResponseOf::<Json<Item>>::new().describe(generator)
            },
            ..__brisk::RouteInfo::DEFAULT
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
            state: &mut Self::State,
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) {
            let item_id = __brisk::Param::<i64>::path("item_id", 0)
                .extract(request, errors);
            state.0 = item_id;
            let q = __brisk::Param::<Option<String>>::query("q")
                .extract(request, errors);
            state.1 = q;
            let limit = __brisk::Param::<u32>::query("limit")
                .default(|| 10)
                .ge(1)
                .le(100)
                .extract(request, errors);
            state.2 = limit;
        }
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            (read_item(args.0, args.1, args.2), ())
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
        const INFO: __brisk::RouteInfo = __brisk::RouteInfo {
            method: __brisk::Method::POST,
            path: "/items",
            name: "create_item",
            body: __brisk::BodyReader::Json,
            request_body: &[
                __brisk::BodyField {
                    name: "item",
                    kind: __brisk::BodyKind::Json,
                    required: true,
                    schema: |generator| __brisk::BodySchema {
                        schema: __brisk::SchemaOf::<ItemCreate>::new().schema(generator),
                        whole: true,
                    },
                },
            ],
            response: |generator| {
                __brisk::ResponseOf::<Result<Json<Item>, HttpError>>::new()
                    .describe(generator)
            },
            status_code: ::core::option::Option::Some(201u16),
            ..__brisk::RouteInfo::DEFAULT
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
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            (create_item(args.0, request), ())
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
        const INFO: __brisk::RouteInfo = __brisk::RouteInfo {
            method: __brisk::Method::GET,
            path: "/search",
            name: "search",
            params: &[
                __brisk::ParamInfo {
                    name: "user-agent",
                    location: __brisk::ParamLocation::Header,
                    required: false,
                    schema: |generator| {
                        __brisk::SchemaOf::<Option<String>>::new().schema(generator)
                    },
                },
                __brisk::ParamInfo {
                    name: "session-id",
                    location: __brisk::ParamLocation::Cookie,
                    required: true,
                    schema: |generator| {
                        __brisk::SchemaOf::<String>::new().schema(generator)
                    },
                },
                __brisk::ParamInfo {
                    name: "tags",
                    location: __brisk::ParamLocation::Query,
                    required: false,
                    schema: |generator| {
                        let mut schema = __brisk::SchemaOf::<Vec<String>>::new()
                            .schema(generator);
                        __brisk::constrain(&mut schema, "minLength", __brisk::bound(3));
                        __brisk::constrain(
                            &mut schema,
                            "pattern",
                            __brisk::bound("^[a-z]+$"),
                        );
                        schema
                    },
                },
                __brisk::ParamInfo {
                    name: "ratio",
                    location: __brisk::ParamLocation::Query,
                    required: true,
                    schema: |generator| {
                        let mut schema = __brisk::SchemaOf::<f64>::new()
                            .schema(generator);
                        __brisk::constrain(
                            &mut schema,
                            "exclusiveMinimum",
                            __brisk::bound(0),
                        );
                        schema
                    },
                },
            ],
            response: |generator| {
                __brisk::ResponseOf::<Json<Vec<Hit>>>::new().describe(generator)
            },
            security: &[
                || {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{Secured as _, Unsecured as _};
                    (&&__brisk::SecurityOf::<State<Db>>::new()).requirement()
                },
            ],
            states: &[
                || {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{NeedsState as _, NeedsNoState as _};
                    (&&__brisk::StateOf::<State<Db>>::new()).need()
                },
            ],
            ..__brisk::RouteInfo::DEFAULT
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
            state: &mut Self::State,
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) {
            let user_agent = __brisk::Param::<
                Option<String>,
            >::header_named(
                    "user-agent",
                    const { ::brisk::http::HeaderName::from_static("user-agent") },
                )
                .extract(request, errors);
            state.0 = user_agent;
            let session = __brisk::Param::<String>::cookie("session-id")
                .extract(request, errors);
            state.1 = session;
            static TAGS_PATTERN: __brisk::LazyLock<__brisk::Regex> = __brisk::LazyLock::new(||
            __brisk::regex("^[a-z]+$"));
            let tags = __brisk::Param::<Vec<String>>::query("tags")
                .min_length(3)
                .pattern(&TAGS_PATTERN, "^[a-z]+$")
                .extract(request, errors);
            state.2 = tags;
            let ratio = __brisk::Param::<f64>::query("ratio")
                .gt(0.0)
                .extract(request, errors);
            state.3 = ratio;
        }
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            (
                __brisk::run_blocking(
                    "search",
                    move || search(args.0, args.1, args.2, args.3, args.4),
                ),
                (),
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
