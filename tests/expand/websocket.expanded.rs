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
    const INFO: ::brisk::__private::DependencyInfo = {
        use ::brisk::__private as __brisk;
        __brisk::DependencyInfo {
            name: "get_user",
            dependencies: &[],
            blocking: false,
            teardown: ::core::option::Option::None,
            body: ::brisk::__private::BodyReader::None,
            params: &[
                __brisk::ParamInfo {
                    name: "token",
                    location: __brisk::ParamLocation::Query,
                    required: true,
                    schema: |generator| {
                        __brisk::SchemaOf::<String>::new().schema(generator)
                    },
                },
            ],
            request_body: &[],
            security: &[],
            states: &[],
        }
    };
    async fn resolve(
        request: &mut ::brisk::__private::Request,
        errors: &mut ::brisk::__private::Errors,
    ) -> ::core::option::Option<Self::Output> {
        #[allow(unused_imports)]
        use ::brisk::__private as __brisk;
        let handler = get_user;
        let token = __brisk::Param::<String>::query("token").extract(request, errors);
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
const _: () = {
    use ::brisk::__private as __brisk;
    impl __brisk::Endpoint for chat {
        const INFO: __brisk::RouteInfo = __brisk::RouteInfo {
            method: __brisk::Method::GET,
            path: "/ws/{room}",
            name: "chat",
            dependencies: &[&<get_user as __brisk::Dependency>::INFO],
            params: &[
                __brisk::ParamInfo {
                    name: "room",
                    location: __brisk::ParamLocation::Path,
                    required: true,
                    schema: |generator| {
                        __brisk::SchemaOf::<String>::new().schema(generator)
                    },
                },
            ],
            description: ::core::option::Option::Some(
                "Echoes every text message into the room.",
            ),
            include_in_schema: false,
            ..__brisk::RouteInfo::DEFAULT
        };
        async fn call(&self, mut request: __brisk::Request) -> __brisk::Response {
            let handler = chat;
            let upgrade = match __brisk::Upgrade::check(&mut request, &["v2.chat"]) {
                ::core::result::Result::Ok(upgrade) => upgrade,
                ::core::result::Result::Err(response) => return response,
            };
            let mut errors = __brisk::Errors::new();
            let room = __brisk::Param::<String>::path("room", 0)
                .extract(&request, &mut errors);
            let user = __brisk::depend::<
                get_user,
                String,
            >(&mut request, &mut errors, true)
                .await;
            let teardowns = __brisk::Teardowns::take(&mut request);
            let (
                ::core::option::Option::Some(room),
                ::core::option::Option::Some(user),
            ) = (room, user) else {
                return teardowns.fail(errors.into_response()).await;
            };
            upgrade.accept(teardowns, "chat", move |socket| handler(socket, room, user))
        }
    }
};
