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
        const INFO: __brisk::RouteInfo = ::brisk::__private::RouteInfo {
            method: ::brisk::__private::Method::GET,
            path: "/users/{user_id}",
            name: "read_user",
            tags: &["users"],
            params: &[
                ::brisk::__private::ParamInfo {
                    name: "user_id",
                    location: ::brisk::__private::ParamLocation::Path,
                    required: true,
                    schema: |generator| {
                        let mut schema = ::brisk::__private::SchemaOf::<i64>::new()
                            .schema(generator);
                        ::brisk::__private::constrain(
                            &mut schema,
                            "minimum",
                            ::brisk::__private::bound(1),
                        );
                        schema
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
            response: ::brisk::__private::response_model::<UserOut>,
            security: &[
                || {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{Secured as _, Unsecured as _};
                    (&&::brisk::__private::SecurityOf::<
                        brisk::security::HttpBearer,
                    >::new())
                        .requirement()
                },
            ],
            states: &[
                || {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{NeedsState as _, NeedsNoState as _};
                    (&&::brisk::__private::StateOf::<brisk::security::HttpBearer>::new())
                        .need()
                },
            ],
            responses: &[
                ::brisk::__private::DeclaredResponse {
                    status: 404u16,
                    schema: ::brisk::__private::schema_for::<HttpError>,
                },
            ],
            summary: ::core::option::Option::Some("Read a user"),
            description: ::core::option::Option::Some(
                "Reads one user's public profile.",
            ),
            deprecated: true,
            operation_id: ::core::option::Option::Some("readUser"),
            ..::brisk::__private::RouteInfo::DEFAULT
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
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) -> Self::State {
            let mut state: Self::State = (
                __brisk::Option::None,
                __brisk::Option::None,
                __brisk::Option::None,
            );
            let user_id = ::brisk::__private::Param::<i64>::path("user_id", 0)
                .ge(1)
                .extract(request, errors);
            state.0 = user_id;
            let limit = ::brisk::__private::Param::<u32>::query("limit")
                .default(|| 10)
                .le(100)
                .extract(request, errors);
            state.1 = limit;
            state
        }
        fn args(
            state: Self::State,
            errors: &mut __brisk::Errors,
        ) -> __brisk::Option<Self::Args> {
            let (
                __brisk::Option::Some(user_id),
                __brisk::Option::Some(limit),
                __brisk::Option::Some(credentials),
            ) = state else {
                return __brisk::Option::None;
            };
            __brisk::Option::Some((user_id, limit, credentials))
        }
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            let handler = read_user;
            let file_request = ();
            let (user_id, limit, credentials) = args;
            (handler(user_id, limit, credentials), file_request)
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
                |value| ::brisk::__private::Json(
                    ::core::convert::Into::<UserOut>::into(value),
                ),
            );
            __brisk::IntoResponse::into_response(output)
        }
    }
};
