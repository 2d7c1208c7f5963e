//! A route's extraction chain, driven here: the route macro writes each
//! route's typed steps as plain functions ([`Chain`], [`Step`],
//! [`Respond`] or [`Finish`]), and one generic `async fn` below awaits them
//! in order, calls the handler and answers.
//!
//! Why the awaits are here and not in the generated code: the compiler
//! places an async body with the module that defines it. Written in the
//! user's module, every route's future would share a codegen unit with the
//! handlers, and an edit to any handler would compile all of them again.
//! Here, their instances are placed with brisk's code, which that edit
//! leaves alone; the plain functions the macro writes are not generic, so
//! they sit in the module's other unit, which the edit leaves alone too.
//!
//! Every bound that a user's type must meet is asked inside those plain
//! functions, where the macro spans it on the parameter: the drivers ask
//! nothing of the types but the traits below, so an error is reported
//! once, where the type is written.

use std::future::Future;

use crate::dependencies::Teardowns;
use crate::extract::Errors;
use crate::request::Request;
use crate::response::{IntoResponse, Response, bodiless};
use futures_util::FutureExt;

/// The typed parts of one route, written by the route macro.
#[doc(hidden)]
pub trait Chain: Send + Sync + 'static {
    /// Each parameter's value so far, `Option`s in the handler's order.
    type State: Slots<Args = Self::Args>;
    /// The handler's arguments, once every parameter was read.
    type Args;
    /// What the handler's future yields.
    type Output;
    /// What the response needs of the request once the handler owns it
    /// (the conditional headers a `FileResponse` answers), or `()`.
    type Carry;

    /// Whether a failure can show in `errors` alone, every parameter
    /// read: a side-effect dependency binds nothing, and a form that
    /// could not be read leaves optional fields at their defaults.
    const CHECK_ERRORS: bool = false;

    /// Reads the parameters that come before the first await (none
    /// unless the macro writes this).
    fn begin(state: &mut Self::State, request: &mut Request, errors: &mut Errors) {
        let _ = (state, request, errors);
    }

    /// Calls the handler.
    fn handle(args: Self::Args, request: Request) -> (impl Future<Output = Self::Output>, Self::Carry);
}

/// A chain's state: a tuple of `Option`s, one per parameter, each `None`
/// until the parameter is read. Written here once for every length up to
/// [`MAX_PARAMS`], so that no route repeats it.
#[doc(hidden)]
pub trait Slots: Sized {
    /// The values, once each was read.
    type Args;
    /// No parameter read yet.
    const EMPTY: Self;
    /// The values, or `None` when a parameter failed (the failure is in
    /// the request's `Errors`).
    fn fill(self) -> Option<Self::Args>;
}

impl Slots for () {
    type Args = ();
    const EMPTY: Self = ();
    fn fill(self) -> Option<()> {
        Some(())
    }
}

/// The most parameters a route may take, the request aside; the route
/// macro reports a route with more.
#[doc(hidden)]
pub const MAX_PARAMS: usize = 32;

macro_rules! slots {
    () => {};
    ($first:ident $($rest:ident)*) => {
        impl<$first, $($rest),*> Slots for (Option<$first>, $(Option<$rest>,)*) {
            type Args = ($first, $($rest,)*);
            const EMPTY: Self = (None, $(slots!(@none $rest),)*);
            #[allow(non_snake_case)]
            fn fill(self) -> Option<Self::Args> {
                let (Some($first), $(Some($rest),)*) = self else { return None };
                Some(($first, $($rest,)*))
            }
        }
        slots!($($rest)*);
    };
    (@none $rest:ident) => { None };
}

slots! {
    P0 P1 P2 P3 P4 P5 P6 P7 P8 P9 P10 P11 P12 P13 P14 P15
    P16 P17 P18 P19 P20 P21 P22 P23 P24 P25 P26 P27 P28 P29 P30 P31
}

/// The `K`-th parameter that is awaited (a dependency, a body, a
/// `FromRequest` type): its future, then what is done with its value.
#[doc(hidden)]
pub trait Step<const K: usize>: Chain {
    /// What the future yields.
    type Out;

    /// Starts reading the parameter.
    fn start<'a>(request: &'a mut Request, errors: &'a mut Errors) -> impl Future<Output = Self::Out> + 'a;

    /// Keeps its value, then reads the plain parameters that follow it.
    fn keep(state: &mut Self::State, out: Self::Out, request: &mut Request, errors: &mut Errors);
}

/// The response of a route without teardowns.
#[doc(hidden)]
pub trait Respond: Chain {
    /// The handler's output as the response.
    fn respond(output: Self::Output, carry: Self::Carry) -> Response;
}

/// The response of a route whose dependencies may have set up teardowns,
/// background tasks or response headers: every exit goes through them.
#[doc(hidden)]
pub trait Finish: Chain {
    /// The handler's output as the response, the teardowns run with its outcome.
    fn finish(
        teardowns: Teardowns,
        output: Self::Output,
        carry: Self::Carry,
    ) -> impl Future<Output = Response>;
}

/// A handler's output whose type cannot be written (`-> impl
/// IntoResponse`): converted as soon as the handler returns, keeping its
/// failure for the teardowns.
#[doc(hidden)]
pub struct Responded {
    response: Response,
    failure: Option<(std::borrow::Cow<'static, str>, String)>,
}

impl Responded {
    /// Converts what the handler returned.
    pub fn new<R: IntoResponse>(output: R) -> Self {
        let failure = output.failure();
        Responded { response: output.into_response(), failure }
    }
}

impl IntoResponse for Responded {
    fn into_response(self) -> Response {
        self.response
    }

    fn failure(&self) -> Option<(std::borrow::Cow<'static, str>, String)> {
        self.failure.clone()
    }
}

/// Awaits a handler whose output type cannot be written, and converts it.
#[doc(hidden)]
pub async fn responded<F: Future<Output: IntoResponse>>(handler: F) -> Responded {
    Responded::new(handler.await)
}

/// [`responded`] for a plain handler on the blocking pool.
#[doc(hidden)]
pub async fn responded_blocking<F, R>(handler: F) -> Result<Responded, Response>
where
    F: Future<Output = Result<R, Response>>,
    R: IntoResponse,
{
    handler.await.map(Responded::new)
}

/// A 204 or 304 route's response once its teardowns ran: no body, whatever
/// the handler returned.
#[doc(hidden)]
pub fn bodiless_after(response: impl Future<Output = Response>) -> impl Future<Output = Response> {
    response.map(bodiless)
}

/// The handler's arguments, or `None` when a parameter failed.
#[inline(always)]
fn filled<R: Chain>(state: R::State, errors: &Errors) -> Option<R::Args> {
    // A constant: routes that need no check compile none.
    if R::CHECK_ERRORS && !errors.is_empty() {
        return None;
    }
    state.fill()
}

/// One driver per number of awaited parameters, with teardowns and without.
///
/// `errors` lives in an inner block: dropped in place there, it is not held
/// across the handler's await (a smaller future) and never copied to be
/// dropped.
macro_rules! drivers {
    ($($plain:ident $scoped:ident [$($k:literal)*];)*) => {$(
        #[doc(hidden)]
        #[allow(unused_mut)]
        pub async fn $plain<R: Respond $(+ Step<$k>)*>(mut request: Request) -> Response {
            let (handler, carry) = {
                let mut errors = Errors::new();
                let mut state = <R::State as Slots>::EMPTY;
                R::begin(&mut state, &mut request, &mut errors);
                $(
                    let out = <R as Step<$k>>::start(&mut request, &mut errors).await;
                    <R as Step<$k>>::keep(&mut state, out, &mut request, &mut errors);
                )*
                let Some(args) = filled::<R>(state, &errors) else {
                    return errors.into_response();
                };
                R::handle(args, request)
            };
            R::respond(handler.await, carry)
        }

        #[doc(hidden)]
        #[allow(unused_mut)]
        pub async fn $scoped<R: Finish $(+ Step<$k>)*>(mut request: Request) -> Response {
            let (teardowns, (handler, carry)) = {
                let mut errors = Errors::new();
                let mut state = <R::State as Slots>::EMPTY;
                R::begin(&mut state, &mut request, &mut errors);
                $(
                    let out = <R as Step<$k>>::start(&mut request, &mut errors).await;
                    <R as Step<$k>>::keep(&mut state, out, &mut request, &mut errors);
                )*
                // Taken before the handler, which may own the request.
                let teardowns = Teardowns::take(&mut request);
                let Some(args) = filled::<R>(state, &errors) else {
                    return teardowns.fail(errors.into_response()).await;
                };
                (teardowns, R::handle(args, request))
            };
            R::finish(teardowns, handler.await, carry).await
        }
    )*};
}

/// A route whose handler takes no parameters (or only the request): no
/// failure to collect, so no `Errors`.
#[doc(hidden)]
pub async fn drive_bare<R: Respond<State = (), Args = ()>>(request: Request) -> Response {
    let (handler, carry) = R::handle((), request);
    R::respond(handler.await, carry)
}

/// The most parameters a route may await (dependencies, bodies, forms,
/// `FromRequest` types); the route macro reports a route with more.
#[doc(hidden)]
pub const MAX_STEPS: usize = 16;

drivers! {
    drive0 drive0_scoped [];
    drive1 drive1_scoped [0];
    drive2 drive2_scoped [0 1];
    drive3 drive3_scoped [0 1 2];
    drive4 drive4_scoped [0 1 2 3];
    drive5 drive5_scoped [0 1 2 3 4];
    drive6 drive6_scoped [0 1 2 3 4 5];
    drive7 drive7_scoped [0 1 2 3 4 5 6];
    drive8 drive8_scoped [0 1 2 3 4 5 6 7];
    drive9 drive9_scoped [0 1 2 3 4 5 6 7 8];
    drive10 drive10_scoped [0 1 2 3 4 5 6 7 8 9];
    drive11 drive11_scoped [0 1 2 3 4 5 6 7 8 9 10];
    drive12 drive12_scoped [0 1 2 3 4 5 6 7 8 9 10 11];
    drive13 drive13_scoped [0 1 2 3 4 5 6 7 8 9 10 11 12];
    drive14 drive14_scoped [0 1 2 3 4 5 6 7 8 9 10 11 12 13];
    drive15 drive15_scoped [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14];
    drive16 drive16_scoped [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15];
}
