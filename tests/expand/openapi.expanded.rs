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
    async fn call(
        &self,
        mut request: ::brisk::__private::Request,
    ) -> ::brisk::__private::Response {
        let handler = read_user;
        let mut errors = ::brisk::__private::Errors::new();
        let user_id = ::brisk::__private::Param::<i64>::path("user_id", 0)
            .ge(1)
            .extract(&request, &mut errors);
        let limit = ::brisk::__private::Param::<u32>::query("limit")
            .default(|| 10)
            .le(100)
            .extract(&request, &mut errors);
        let credentials = errors
            .absorb(
                <brisk::security::HttpBearer as ::brisk::__private::FromRequest>::from_request(
                        &mut request,
                    )
                    .await,
            );
        let (
            ::core::option::Option::Some(user_id),
            ::core::option::Option::Some(limit),
            ::core::option::Option::Some(credentials),
        ) = (user_id, limit, credentials) else {
            return errors.into_response();
        };
        let output = handler(user_id, limit, credentials).await;
        let output = ::core::result::Result::map(
            output,
            |value| ::brisk::__private::Json(
                ::core::convert::Into::<UserOut>::into(value),
            ),
        );
        ::brisk::__private::IntoResponse::into_response(output)
    }
}
