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
impl ::brisk::__private::Endpoint for read_user {
    const INFO: ::brisk::__private::RouteInfo = ::brisk::__private::RouteInfo {
        method: ::brisk::__private::Method::GET,
        path: "/users/{user_id}",
        name: "read_user",
        tags: &["users"],
        dependencies: &[],
        body: ::brisk::__private::BodyReader::None,
        params: &[
            ::brisk::__private::ParamInfo {
                name: "user_id",
                location: ::brisk::__private::ParamLocation::Path,
                required: true,
                schema: |generator| {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{
                        Described as _, Serializable as _, Undescribed as _,
                        Unserializable as _,
                    };
                    let mut schema = (&&::brisk::__private::SchemaOf::<i64>::new())
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
                    #[allow(unused_imports)]
                    use ::brisk::__private::{
                        Described as _, Serializable as _, Undescribed as _,
                        Unserializable as _,
                    };
                    let mut schema = (&&::brisk::__private::SchemaOf::<u32>::new())
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
                            (&&::brisk::__private::Example(&value)).to_json()
                        },
                    );
                    schema
                },
            },
        ],
        request_body: &[],
        response: ::brisk::__private::response_model::<UserOut>,
        security: &[
            || {
                #[allow(unused_imports)]
                use ::brisk::__private::{Secured as _, Unsecured as _};
                (&&::brisk::__private::SecurityOf::<brisk::security::HttpBearer>::new())
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
        description: ::core::option::Option::Some("Reads one user's public profile."),
        deprecated: true,
        operation_id: ::core::option::Option::Some("readUser"),
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
impl ::brisk::__private::Chain for read_user {
    type State = (
        ::core::option::Option<i64>,
        ::core::option::Option<u32>,
        ::core::option::Option<brisk::security::HttpBearer>,
    );
    type Args = (i64, u32, brisk::security::HttpBearer);
    type Output = Result<UserRecord, HttpError>;
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
    #[allow(unused_variables)]
    fn args(
        state: Self::State,
        errors: &mut ::brisk::__private::Errors,
    ) -> ::core::option::Option<Self::Args> {
        let (
            ::core::option::Option::Some(user_id),
            ::core::option::Option::Some(limit),
            ::core::option::Option::Some(credentials),
        ) = state else {
            return ::core::option::Option::None;
        };
        ::core::option::Option::Some((user_id, limit, credentials))
    }
    #[allow(unused_variables)]
    fn handle(
        args: Self::Args,
        request: ::brisk::__private::Request,
    ) -> (impl ::core::future::Future<Output = Self::Output>, Self::Carry) {
        let handler = read_user;
        let file_request = ();
        let (user_id, limit, credentials) = args;
        (handler(user_id, limit, credentials), file_request)
    }
}
impl ::brisk::__private::Step<0> for read_user {
    type Out = ::core::result::Result<
        brisk::security::HttpBearer,
        ::brisk::__private::Rejection,
    >;
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
        state.2 = errors.absorb(out);
    }
}
impl ::brisk::__private::Respond for read_user {
    #[allow(unused_variables)]
    fn respond(
        output: Self::Output,
        file_request: Self::Carry,
    ) -> ::brisk::__private::Response {
        let output = ::core::result::Result::map(
            output,
            |value| ::brisk::__private::Json(
                ::core::convert::Into::<UserOut>::into(value),
            ),
        );
        ::brisk::__private::IntoResponse::into_response(output)
    }
}
