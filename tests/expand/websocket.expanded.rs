use brisk::prelude::*;
use brisk::websocket::WebSocket;
async fn get_user(token: String) -> Result<String, HttpError> {
    Ok(token)
}
const _: () = {
    #[allow(dead_code)]
    struct SendFuture(
        [(); {
            let _ = |argument0: String| ::brisk::__private::assert_send(
                get_user(argument0),
            );
            0
        }],
    );
};
/// The dependency [`get_user()`]; use it with `#[depends(get_user)]`, `dependencies = [get_user]` or `App::dependency::<get_user>()`.
#[allow(non_camel_case_types)]
struct get_user {}
const _: () = {
    struct Acyclic(
        [(); {
            ::brisk::__private::assert_acyclic(
                <get_user as ::brisk::__private::Dependency>::NODE,
            );
            0
        }],
    );
};
impl ::brisk::__private::Dependency for get_user {
    type Output = <Result<String, HttpError> as ::brisk::__private::Fallible>::Ok;
    const NODE: ::brisk::__private::DependencyRef = {
        static NODE: ::brisk::__private::DependencyNode = ::brisk::__private::DependencyNode {
            id: ::core::concat!(::core::module_path!(), "::", "get_user"),
            name: "get_user",
            dependencies: &[],
        };
        ::brisk::__private::DependencyRef::new(&NODE)
    };
    const INFO: ::brisk::__private::DependencyInfo = ::brisk::__private::DependencyInfo {
        name: "get_user",
        dependencies: &[],
        blocking: false,
        teardown: ::core::option::Option::None,
        body: ::brisk::__private::BodyReader::None,
        params: &[
            ::brisk::__private::ParamInfo {
                name: "token",
                location: ::brisk::__private::ParamLocation::Query,
                required: true,
                schema: |generator| {
                    ::brisk::__private::SchemaOf::<String>::new().schema(generator)
                },
            },
        ],
        request_body: &[],
        security: &[],
        states: &[],
    };
    async fn resolve(
        request: &mut ::brisk::__private::Request,
        errors: &mut ::brisk::__private::Errors,
    ) -> ::core::option::Option<Self::Output> {
        let handler = get_user;
        let token = ::brisk::__private::Param::<String>::query("token")
            .extract(request, errors);
        let (::core::option::Option::Some(token),) = (token,) else {
            return ::core::option::Option::None;
        };
        let output = handler(token).await;
        ::brisk::__private::fallible(output, errors)
    }
}
/// Echoes every text message into the room.
async fn chat(mut socket: WebSocket, room: String, user: String) {
    while let Ok(text) = socket.recv_text().await {
        let _ = socket.send_text(format!("{user}@{room}: {text}")).await;
    }
}
const _: () = {
    #[allow(dead_code)]
    struct SendFuture(
        [(); {
            let _ = |argument0: WebSocket, argument1: String, argument2: String| ::brisk::__private::assert_send(
                chat(argument0, argument1, argument2),
            );
            0
        }],
    );
};
/// The WebSocket route `/ws/{room}` of [`chat()`]; register it with `routes![chat]`.
#[allow(non_camel_case_types)]
struct chat {}
impl ::brisk::__private::Endpoint for chat {
    const INFO: ::brisk::__private::RouteInfo = ::brisk::__private::RouteInfo {
        method: ::brisk::__private::Method::GET,
        path: "/ws/{room}",
        name: "chat",
        dependencies: &[&<get_user as ::brisk::__private::Dependency>::INFO],
        params: &[
            ::brisk::__private::ParamInfo {
                name: "room",
                location: ::brisk::__private::ParamLocation::Path,
                required: true,
                schema: |generator| {
                    ::brisk::__private::SchemaOf::<String>::new().schema(generator)
                },
            },
        ],
        description: ::core::option::Option::Some(
            "Echoes every text message into the room.",
        ),
        include_in_schema: false,
        ..::brisk::__private::RouteInfo::DEFAULT
    };
    async fn call(
        &self,
        mut request: ::brisk::__private::Request,
    ) -> ::brisk::__private::Response {
        let handler = chat;
        let upgrade = match ::brisk::__private::Upgrade::check(
            &mut request,
            &["v2.chat"],
        ) {
            ::core::result::Result::Ok(upgrade) => upgrade,
            ::core::result::Result::Err(response) => return response,
        };
        let mut errors = ::brisk::__private::Errors::new();
        let room = ::brisk::__private::Param::<String>::path("room", 0)
            .extract(&request, &mut errors);
        let user = ::brisk::__private::depend::<
            get_user,
            String,
        >(&mut request, &mut errors, true)
            .await;
        let teardowns = ::brisk::__private::Teardowns::take(&mut request);
        let (::core::option::Option::Some(room), ::core::option::Option::Some(user)) = (
            room,
            user,
        ) else {
            return teardowns.fail(errors.into_response()).await;
        };
        upgrade.accept(teardowns, "chat", move |socket| handler(socket, room, user))
    }
}
