use brisk::prelude::*;
async fn get_db(
    pool: State<Pool>,
    provider: ::brisk::__private::Yield<Session>,
) -> Result<(), HttpError> {
    let session = pool.session().await?;
    let outcome = provider.provide(session.clone()).await;
    if outcome.is_ok() { session.commit().await } else { session.rollback().await }
}
const _: () = {
    #[allow(dead_code)]
    struct SendFuture(
        [(); {
            let _ = |
                argument0: State<Pool>,
                argument1: ::brisk::__private::Yield<Session>|
            ::brisk::__private::assert_send(get_db(argument0, argument1));
            0
        }],
    );
};
/// The yield dependency [`get_db()`]; use it with `#[depends(get_db)]`, `dependencies = [get_db]` or `App::dependency::<get_db>()`.
#[allow(non_camel_case_types)]
struct get_db {}
const _: () = {
    struct Acyclic(
        [(); {
            ::brisk::__private::assert_acyclic(
                <get_db as ::brisk::__private::Dependency>::NODE,
            );
            0
        }],
    );
};
impl ::brisk::__private::Dependency for get_db {
    type Output = Session;
    const NODE: ::brisk::__private::DependencyRef = {
        static NODE: ::brisk::__private::DependencyNode = ::brisk::__private::DependencyNode {
            id: ::core::concat!(::core::module_path!(), "::", "get_db"),
            name: "get_db",
            dependencies: &[],
        };
        ::brisk::__private::DependencyRef::new(&NODE)
    };
    const INFO: ::brisk::__private::DependencyInfo = {
        use ::brisk::__private as __brisk;
        __brisk::DependencyInfo {
            name: "get_db",
            dependencies: &[],
            blocking: false,
            teardown: ::core::option::Option::Some(::brisk::__private::Scope::Request),
            body: ::brisk::__private::BodyReader::None,
            params: &[],
            request_body: &[],
            security: &[
                || {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{Secured as _, Unsecured as _};
                    (&&__brisk::SecurityOf::<State<Pool>>::new()).requirement()
                },
            ],
            states: &[
                || {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{NeedsState as _, NeedsNoState as _};
                    (&&__brisk::StateOf::<State<Pool>>::new()).need()
                },
            ],
        }
    };
    async fn resolve(
        request: &mut ::brisk::__private::Request,
        errors: &mut ::brisk::__private::Errors,
    ) -> ::core::option::Option<Self::Output> {
        #[allow(unused_imports)]
        use ::brisk::__private as __brisk;
        let handler = get_db;
        let pool = errors
            .absorb(<State<Pool> as __brisk::FromRequest>::from_request(request).await);
        let (::core::option::Option::Some(pool),) = (pool,) else {
            return ::core::option::Option::None;
        };
        ::brisk::__private::yielding(
                "get_db",
                ::brisk::__private::Scope::Request,
                move |provider| handler(pool, provider),
                request,
                errors,
            )
            .await
    }
}
async fn get_current_user(
    authorization: String,
    db: Session,
) -> Result<User, HttpError> {
    db.user_for_token(&authorization)
        .await
        .ok_or(HttpError::unauthorized("Invalid credentials"))
}
const _: () = {
    #[allow(dead_code)]
    struct SendFuture(
        [(); {
            let _ = |argument0: String, argument1: Session| ::brisk::__private::assert_send(
                get_current_user(argument0, argument1),
            );
            0
        }],
    );
};
/// The dependency [`get_current_user()`]; use it with `#[depends(get_current_user)]`, `dependencies = [get_current_user]` or `App::dependency::<get_current_user>()`.
#[allow(non_camel_case_types)]
struct get_current_user {}
const _: () = {
    struct Acyclic(
        [(); {
            ::brisk::__private::assert_acyclic(
                <get_current_user as ::brisk::__private::Dependency>::NODE,
            );
            0
        }],
    );
};
impl ::brisk::__private::Dependency for get_current_user {
    type Output = <Result<User, HttpError> as ::brisk::__private::Fallible>::Ok;
    const NODE: ::brisk::__private::DependencyRef = {
        static NODE: ::brisk::__private::DependencyNode = ::brisk::__private::DependencyNode {
            id: ::core::concat!(::core::module_path!(), "::", "get_current_user"),
            name: "get_current_user",
            dependencies: &[<get_db as ::brisk::__private::Dependency>::NODE],
        };
        ::brisk::__private::DependencyRef::new(&NODE)
    };
    const INFO: ::brisk::__private::DependencyInfo = {
        use ::brisk::__private as __brisk;
        __brisk::DependencyInfo {
            name: "get_current_user",
            dependencies: &[&<get_db as __brisk::Dependency>::INFO],
            blocking: false,
            teardown: ::core::option::Option::None,
            body: ::brisk::__private::BodyReader::None,
            params: &[
                __brisk::ParamInfo {
                    name: "authorization",
                    location: __brisk::ParamLocation::Header,
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
        let handler = get_current_user;
        let authorization = __brisk::Param::<
            String,
        >::header_named(
                "authorization",
                const { ::brisk::http::HeaderName::from_static("authorization") },
            )
            .extract(request, errors);
        let db = __brisk::depend::<get_db, Session>(request, errors, true).await;
        let (
            ::core::option::Option::Some(authorization),
            ::core::option::Option::Some(db),
        ) = (authorization, db) else {
            return ::core::option::Option::None;
        };
        let output = handler(authorization, db).await;
        ::brisk::__private::fallible(output, errors)
    }
}
fn audit_log(user_id: i64) {
    log(user_id)
}
/// The dependency [`audit_log()`]; use it with `#[depends(audit_log)]`, `dependencies = [audit_log]` or `App::dependency::<audit_log>()`.
#[allow(non_camel_case_types)]
struct audit_log {}
const _: () = {
    struct Acyclic(
        [(); {
            ::brisk::__private::assert_acyclic(
                <audit_log as ::brisk::__private::Dependency>::NODE,
            );
            0
        }],
    );
};
impl ::brisk::__private::Dependency for audit_log {
    type Output = ();
    const NODE: ::brisk::__private::DependencyRef = {
        static NODE: ::brisk::__private::DependencyNode = ::brisk::__private::DependencyNode {
            id: ::core::concat!(::core::module_path!(), "::", "audit_log"),
            name: "audit_log",
            dependencies: &[],
        };
        ::brisk::__private::DependencyRef::new(&NODE)
    };
    const INFO: ::brisk::__private::DependencyInfo = {
        use ::brisk::__private as __brisk;
        __brisk::DependencyInfo {
            name: "audit_log",
            dependencies: &[],
            blocking: true,
            teardown: ::core::option::Option::None,
            body: ::brisk::__private::BodyReader::None,
            params: &[
                __brisk::ParamInfo {
                    name: "user_id",
                    location: __brisk::ParamLocation::Path,
                    required: true,
                    schema: |generator| __brisk::SchemaOf::<i64>::new().schema(generator),
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
        let handler = audit_log;
        let user_id = __brisk::Param::<i64>::path_named("user_id")
            .extract(request, errors);
        let (::core::option::Option::Some(user_id),) = (user_id,) else {
            return ::core::option::Option::None;
        };
        let output = match ::brisk::__private::run_blocking(
                "audit_log",
                move || handler(user_id),
            )
            .await
        {
            ::core::result::Result::Ok(output) => output,
            ::core::result::Result::Err(response) => {
                errors.reject(response);
                return ::core::option::Option::None;
            }
        };
        ::core::option::Option::Some(output)
    }
}
async fn create_order(
    user_id: i64,
    user: User,
    db: Session,
) -> Result<Json<Order>, HttpError> {
    db.create_order(user_id, &user).await.map(Json)
}
const _: () = {
    #[allow(dead_code)]
    struct SendFuture(
        [(); {
            let _ = |argument0: i64, argument1: User, argument2: Session| ::brisk::__private::assert_send(
                create_order(argument0, argument1, argument2),
            );
            0
        }],
    );
};
/// The `POST /users/{user_id}/orders` route of [`create_order()`]; register it with `routes![create_order]`.
#[allow(non_camel_case_types)]
struct create_order {}
#[allow(unused_variables, unused_mut)]
const _: () = {
    use ::brisk::__private as __brisk;
    impl __brisk::Endpoint for create_order {
        const INFO: __brisk::RouteInfo = __brisk::RouteInfo {
            method: __brisk::Method::POST,
            path: "/users/{user_id}/orders",
            name: "create_order",
            dependencies: &[
                &<audit_log as __brisk::Dependency>::INFO,
                &<get_current_user as __brisk::Dependency>::INFO,
                &<get_db as __brisk::Dependency>::INFO,
            ],
            params: &[
                __brisk::ParamInfo {
                    name: "user_id",
                    location: __brisk::ParamLocation::Path,
                    required: true,
                    schema: |generator| __brisk::SchemaOf::<i64>::new().schema(generator),
                },
            ],
            response: |generator| {
                __brisk::ResponseOf::<Result<Json<Order>, HttpError>>::new()
                    .describe(generator)
            },
            status_code: ::core::option::Option::Some(201u16),
            ..__brisk::RouteInfo::DEFAULT
        };
        fn call(
            &self,
            request: __brisk::Request,
        ) -> impl __brisk::Future<Output = __brisk::Response> + ::core::marker::Send {
            __brisk::drive3_scoped::<Self>(request)
        }
    }
    impl __brisk::Chain for create_order {
        type State = (
            __brisk::Option<i64>,
            __brisk::Option<User>,
            __brisk::Option<Session>,
        );
        type Args = (i64, User, Session);
        type Output = Result<Json<Order>, HttpError>;
        type Carry = ();
        const CHECK_ERRORS: bool = true;
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            (create_order(args.0, args.1, args.2), ())
        }
    }
    impl __brisk::Step<0> for create_order {
        type Out = ();
        fn start<'a>(
            request: &'a mut __brisk::Request,
            errors: &'a mut __brisk::Errors,
        ) -> impl __brisk::Future<Output = Self::Out> + 'a {
            __brisk::depend_only::<audit_log>(request, errors)
        }
        fn keep(
            state: &mut Self::State,
            out: Self::Out,
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) {
            let user_id = __brisk::Param::<i64>::path("user_id", 0)
                .extract(request, errors);
            state.0 = user_id;
        }
    }
    impl __brisk::Step<1> for create_order {
        type Out = __brisk::Option<User>;
        fn start<'a>(
            request: &'a mut __brisk::Request,
            errors: &'a mut __brisk::Errors,
        ) -> impl __brisk::Future<Output = Self::Out> + 'a {
            __brisk::depend::<get_current_user, User>(request, errors, true)
        }
        fn keep(
            state: &mut Self::State,
            out: Self::Out,
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) {
            state.1 = out;
        }
    }
    impl __brisk::Step<2> for create_order {
        type Out = __brisk::Option<Session>;
        fn start<'a>(
            request: &'a mut __brisk::Request,
            errors: &'a mut __brisk::Errors,
        ) -> impl __brisk::Future<Output = Self::Out> + 'a {
            __brisk::depend::<get_db, Session>(request, errors, false)
        }
        fn keep(
            state: &mut Self::State,
            out: Self::Out,
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) {
            state.2 = out;
        }
    }
    impl __brisk::Finish for create_order {
        fn finish(
            teardowns: __brisk::Teardowns,
            output: Self::Output,
            file_request: Self::Carry,
        ) -> impl __brisk::Future<Output = __brisk::Response> {
            teardowns.finish(output, __brisk::Option::Some(__brisk::status_code(201)))
        }
    }
};
