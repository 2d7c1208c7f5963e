use brisk::prelude::*;
async fn timing(request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let mut response = next.run(request).await;
    response.headers_mut().insert("x-process-time", elapsed_header(started));
    response
}
const _: fn() = || ::brisk::__private::assert_middleware(&timing);
async fn out_of_stock(request: &Request, err: OutOfStock) -> Response {
    (
        StatusCode::CONFLICT,
        Json(json!({ "detail" : err.to_string(), "path" : request.uri().path() })),
    )
        .into_response()
}
const _: fn() = || ::brisk::__private::assert_exception_handler::<
    OutOfStock,
    _,
>(&out_of_stock);
fn lifespan(
    settings: Settings,
) -> impl ::core::ops::FnOnce(
    ::brisk::__private::Yield<::brisk::lifespan::AppState>,
) -> ::core::pin::Pin<
        ::std::boxed::Box<
            dyn ::core::future::Future<
                Output = Result<(), sqlx::Error>,
            > + ::core::marker::Send,
        >,
    > + ::core::marker::Send + 'static {
    move |provider| ::std::boxed::Box::pin(async move {
        let pool = Pool::connect(&settings.database_url).await?;
        provider.provide(AppState::new().with(pool.clone())).await;
        pool.close().await;
        ::core::result::Result::Ok(())
    })
}
async fn get_lock(
    locks: State<Locks>,
    provider: ::brisk::__private::Yield<Lock>,
) -> Result<(), HttpError> {
    let lock = locks.acquire().await?;
    provider.provide(lock.clone()).await;
    lock.release().await
}
const _: () = {
    #[allow(dead_code)]
    struct SendFuture(
        [(); {
            let _ = |
                argument0: State<Locks>,
                argument1: ::brisk::__private::Yield<Lock>|
            ::brisk::__private::assert_send(get_lock(argument0, argument1));
            0
        }],
    );
};
/// The yield dependency [`get_lock()`]; use it with `#[depends(get_lock)]`, `dependencies = [get_lock]` or `App::dependency::<get_lock>()`.
#[allow(non_camel_case_types)]
struct get_lock {}
const _: () = {
    struct Acyclic(
        [(); {
            ::brisk::__private::assert_acyclic(
                <get_lock as ::brisk::__private::Dependency>::NODE,
            );
            0
        }],
    );
};
impl ::brisk::__private::Dependency for get_lock {
    type Output = Lock;
    const NODE: ::brisk::__private::DependencyRef = {
        static NODE: ::brisk::__private::DependencyNode = ::brisk::__private::DependencyNode {
            id: ::core::concat!(::core::module_path!(), "::", "get_lock"),
            name: "get_lock",
            dependencies: &[],
        };
        ::brisk::__private::DependencyRef::new(&NODE)
    };
    const INFO: ::brisk::__private::DependencyInfo = {
        use ::brisk::__private as __brisk;
        __brisk::DependencyInfo {
            name: "get_lock",
            dependencies: &[],
            blocking: false,
            teardown: ::core::option::Option::Some(::brisk::__private::Scope::Function),
            body: ::brisk::__private::BodyReader::None,
            params: &[],
            request_body: &[],
            security: &[
                || {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{Secured as _, Unsecured as _};
                    (&&__brisk::SecurityOf::<State<Locks>>::new()).requirement()
                },
            ],
            states: &[
                || {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{NeedsState as _, NeedsNoState as _};
                    (&&__brisk::StateOf::<State<Locks>>::new()).need()
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
        let handler = get_lock;
        let locks = errors
            .absorb(<State<Locks> as __brisk::FromRequest>::from_request(request).await);
        let (::core::option::Option::Some(locks),) = (locks,) else {
            return ::core::option::Option::None;
        };
        ::brisk::__private::yielding(
                "get_lock",
                ::brisk::__private::Scope::Function,
                move |provider| handler(locks, provider),
                request,
                errors,
            )
            .await
    }
}
fn routes() -> Vec<::brisk::Route> {
    ::std::vec![
        ::brisk::Route::new(read_item {}), ::brisk::Route::new(items::create_item {})
    ]
}
