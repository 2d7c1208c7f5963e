use brisk::prelude::*;
async fn login(username: String, password: String, remember: Option<bool>) -> String {
    format!("{username} {} {remember:?}", password.len())
}
/// The `POST /login` route of [`login()`]; register it with `routes![login]`.
#[allow(non_camel_case_types)]
struct login {}
impl ::brisk::__private::Endpoint for login {
    const INFO: ::brisk::__private::RouteInfo = ::brisk::__private::RouteInfo {
        method: ::brisk::__private::Method::POST,
        path: "/login",
        name: "login",
        tags: &[],
        dependencies: &[],
    };
    async fn call(
        &self,
        mut request: ::brisk::__private::Request,
    ) -> ::brisk::__private::Response {
        let handler = login;
        let mut errors = ::brisk::__private::Errors::new();
        ::brisk::__private::read_form(&mut request, &mut errors).await;
        let username = ::brisk::__private::Param::<String>::form("username")
            .extract(&request, &mut errors);
        ::brisk::__private::read_form(&mut request, &mut errors).await;
        let password = ::brisk::__private::Param::<String>::form("password")
            .min_length(8)
            .extract(&request, &mut errors);
        ::brisk::__private::read_form(&mut request, &mut errors).await;
        let remember = ::brisk::__private::Param::<Option<bool>>::form("remember")
            .extract(&request, &mut errors);
        let (
            ::core::option::Option::Some(username),
            ::core::option::Option::Some(password),
            ::core::option::Option::Some(remember),
        ) = (username, password, remember) else {
            return errors.into_response();
        };
        let output = handler(username, password, remember).await;
        ::brisk::__private::IntoResponse::into_response(output)
    }
}
