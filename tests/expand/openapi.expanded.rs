use brisk::prelude::*;
/// Reads one user's public profile.
async fn read_user(
    user_id: i64,
    limit: u32,
    credentials: brisk::security::HttpBearer,
) -> Result<UserRecord, HttpError> {
    let _ = (limit, credentials);
    Ok(UserRecord {
        id: user_id,
        password_hash: String::new(),
    })
}
const _: () = {
    #[allow(dead_code)]
    struct SendFuture(
        [(); {
            let _ = |
                argument0: i64,
                argument1: u32,
                argument2: brisk::security::HttpBearer|
            ::brisk::__private::assert_send(read_user(argument0, argument1, argument2));
            0
        }],
    );
};
/// The `GET /users/{user_id}` route of [`read_user()`]; register it with `routes![read_user]`.
#[allow(non_camel_case_types)]
struct read_user {}
#[allow(unused_variables, unused_mut)]
const _: () = {
    use ::brisk::__private as __brisk;
    impl __brisk::Endpoint for read_user {
        const INFO: __brisk::RouteInfo = __brisk::RouteInfo {
            method: __brisk::Method::GET,
            path: "/users/{user_id}",
            name: "read_user",
            tags: &["users"],
            params: &[
                __brisk::ParamInfo {
                    name: "user_id",
                    location: __brisk::ParamLocation::Path,
                    required: true,
                    schema: |generator| {
                        let mut schema = __brisk::SchemaOf::<i64>::new()
                            .schema(generator);
                        __brisk::constrain(&mut schema, "minimum", __brisk::bound(1));
                        schema
                    },
                },
                __brisk::ParamInfo {
                    name: "limit",
                    location: __brisk::ParamLocation::Query,
                    required: false,
                    schema: |generator| {
                        let mut schema = __brisk::SchemaOf::<u32>::new()
                            .schema(generator);
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
            response: __brisk::response_model::<UserOut>,
            security: &[
                || {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{Secured as _, Unsecured as _};
                    (&&__brisk::SecurityOf::<brisk::security::HttpBearer>::new())
                        .requirement()
                },
            ],
            states: &[
                || {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{NeedsState as _, NeedsNoState as _};
                    (&&__brisk::StateOf::<brisk::security::HttpBearer>::new()).need()
                },
            ],
            responses: &[
                __brisk::DeclaredResponse {
                    status: 404u16,
                    schema: __brisk::schema_for::<HttpError>,
                },
            ],
            summary: ::core::option::Option::Some("Read a user"),
            description: ::core::option::Option::Some(
                "Reads one user's public profile.",
            ),
            deprecated: true,
            operation_id: ::core::option::Option::Some("readUser"),
            ..__brisk::RouteInfo::DEFAULT
        };
        fn call(
            &self,
            request: __brisk::Request,
        ) -> impl __brisk::Future<Output = __brisk::Response> + ::core::marker::Send {
            __brisk::drive1::<Self>(request)
        }
    }
    impl __brisk::Chain for read_user {
        type State = (
            __brisk::Option<i64>,
            __brisk::Option<u32>,
            __brisk::Option<brisk::security::HttpBearer>,
        );
        type Args = (i64, u32, brisk::security::HttpBearer);
        type Output = Result<UserRecord, HttpError>;
        type Carry = ();
        fn begin(
            state: &mut Self::State,
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) {
            let user_id = __brisk::Param::<i64>::path("user_id", 0)
                .ge(1)
                .extract(request, errors);
            state.0 = user_id;
            let limit = __brisk::Param::<u32>::query("limit")
                .default(|| 10)
                .le(100)
                .extract(request, errors);
            state.1 = limit;
        }
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            (read_user(args.0, args.1, args.2), ())
        }
    }
    impl __brisk::Step<0> for read_user {
        type Out = __brisk::Result<brisk::security::HttpBearer, __brisk::Rejection>;
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
            state.2 = errors.absorb(out);
        }
    }
    impl __brisk::Respond for read_user {
        fn respond(
            output: Self::Output,
            file_request: Self::Carry,
        ) -> __brisk::Response {
            let output = ::core::result::Result::map(
                output,
                |value| __brisk::Json(::core::convert::Into::<UserOut>::into(value)),
            );
            __brisk::IntoResponse::into_response(output)
        }
    }
};
