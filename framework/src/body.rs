//! The one body type that flows through brisk, for requests and responses alike.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;

use crate::recycle::Recycled;

type BoxBody = http_body_util::combinators::BoxBody<Bytes, BoxError>;

/// The error type a streaming body may yield.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// An HTTP body: empty, a single buffer, or a stream (such as the bytes a client is still sending).
///
/// Most handlers never touch it: extractors read request bodies and
/// [`IntoResponse`](crate::IntoResponse) builds response bodies.
///
/// ```
/// use brisk::Body;
/// let body = Body::from("Hello, World!");
/// assert_eq!(body.exact_len(), Some(13));
/// ```
// One pointer, empty when `None`: a response is moved through every layer
// on its way out, and at 8 bytes of body it stays small enough (under 128
// bytes) to be copied inline instead of by a call to `memcpy` each time.
pub struct Body(Option<Recycled<Inner>>);

enum Inner {
    Full(Option<Bytes>),
    Incoming(hyper::body::Incoming),
    Boxed(BoxBody),
    /// A response body whose end runs a hook (the request's teardowns).
    Guarded(Body, OnEnd),
}

impl Body {
    /// A body with no bytes.
    pub const fn empty() -> Self {
        Body(None)
    }

    fn new(inner: Inner) -> Self {
        Body(Some(Recycled::new(inner)))
    }

    /// Wraps any [`http_body::Body`] as a streaming body.
    pub fn from_stream<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
        B::Error: Into<BoxError>,
    {
        Body::new(Inner::Boxed(body.map_err(Into::into).boxed()))
    }

    /// `body` as a brisk body: itself when it is one already (no extra
    /// layer per frame), else wrapped like [`Body::from_stream`].
    ///
    /// `body` need not be `Sync` (axum's and hyper's bodies are not): it is
    /// only ever polled through `&mut`.
    pub(crate) fn from_http_body<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let mut slot = Some(body);
        match (&mut slot as &mut dyn std::any::Any).downcast_mut::<Option<Body>>() {
            Some(own) => own.take().unwrap_or_default(),
            None => slot.map_or_else(Body::empty, |body| Body::from_stream(SyncBody::new(body))),
        }
    }

    /// Runs `hook` once this body has been sent, or dropped unsent (the
    /// client went away).
    pub(crate) fn on_end(body: Body, hook: OnEnd) -> Self {
        Body::new(Inner::Guarded(body, hook))
    }

    /// Takes off the outermost hook, if that is a `W`: dependencies set up
    /// around a route take the route's teardowns this way, to run theirs
    /// after them, with the route's outcome.
    pub(crate) fn take_on_end<W: EndWork>(self) -> (Body, Option<W>) {
        if !matches!(self.0.as_deref(), Some(Inner::Guarded(_, hook)) if hook.is::<W>()) {
            return (self, None);
        }
        match self.0.map(Recycled::into_inner) {
            Some(Inner::Guarded(body, hook)) => (body, hook.take::<W>().ok()),
            // Checked just above; an empty body is the harmless answer anyway.
            _ => (Body::empty(), None),
        }
    }

    /// Separates the bytes from what runs when they have been sent (request
    /// teardowns, background tasks), so a layer that replaces the bytes, such
    /// as compression, can put it back with [`Body::reattach`] and keep it
    /// after the new body instead of running it as soon as the old one is read.
    #[cfg(feature = "gzip")]
    pub(crate) fn detach_end(self) -> (Body, BodyEnd) {
        let mut body = self;
        let mut guards = Vec::new();
        while let Some(block) = body.0.take_if(|inner| matches!(**inner, Inner::Guarded(..))) {
            if let Inner::Guarded(inner, guard) = Recycled::into_inner(block) {
                guards.push(guard);
                body = inner;
            }
        }
        (body, BodyEnd(guards))
    }

    /// Puts back what [`Body::detach_end`] took off, innermost first.
    #[cfg(feature = "gzip")]
    pub(crate) fn reattach(self, end: BodyEnd) -> Body {
        end.0.into_iter().rev().fold(self, |body, guard| Body::new(Inner::Guarded(body, guard)))
    }

    pub(crate) fn incoming(body: hyper::body::Incoming) -> Self {
        // Most requests have no body: they need no block.
        match http_body::Body::is_end_stream(&body) {
            true => Body::empty(),
            false => Body::new(Inner::Incoming(body)),
        }
    }

    /// The length in bytes when it is known without reading the body.
    pub fn exact_len(&self) -> Option<u64> {
        http_body::Body::size_hint(self).exact()
    }

    /// Reads the whole body into one buffer, refusing to read more than `limit` bytes.
    ///
    /// A body that arrives in one piece (the usual case for a request with
    /// a `Content-Length`) is returned as that piece, without copying.
    pub async fn collect_limited(self, limit: usize) -> Result<Bytes, BodyError> {
        self.collect_within(limit, None).await
    }

    /// [`collect_limited`](Self::collect_limited), failing with
    /// [`BodyError::TimedOut`] when the client sends nothing for `idle`.
    pub(crate) async fn collect_within(
        mut self,
        limit: usize,
        idle: Option<std::time::Duration>,
    ) -> Result<Bytes, BodyError> {
        if let Some(Inner::Full(bytes)) = self.0.as_deref_mut() {
            let bytes = bytes.take().unwrap_or_default();
            return if bytes.len() > limit { Err(BodyError::TooLarge) } else { Ok(bytes) };
        }
        // A declared length over the limit is refused before anything is read.
        if http_body::Body::size_hint(&self).lower() > limit as u64 {
            return Err(BodyError::TooLarge);
        }
        let mut first: Option<Bytes> = None;
        let mut joined: Option<bytes::BytesMut> = None;
        let mut len = 0usize;
        // Armed only while a read waits, so a body already received (most
        // small ones arrive with the head) starts no timer; boxed so that
        // it costs this future one pointer until then.
        let mut stall: Option<Pin<Box<tokio::time::Sleep>>> = None;
        loop {
            let polled =
                std::future::poll_fn(|cx| match http_body::Body::poll_frame(Pin::new(&mut self), cx) {
                    Poll::Ready(frame) => Poll::Ready(Ok(frame)),
                    Poll::Pending => match idle {
                        None => Poll::Pending,
                        Some(idle) => {
                            let sleep = stall.get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                            sleep.as_mut().poll(cx).map(|()| Err(BodyError::TimedOut))
                        }
                    },
                });
            let Some(frame) = polled.await? else { break };
            if stall.is_some() {
                // The client sent something: the clock starts again.
                stall = None;
            }
            // Trailers carry no body bytes.
            let Ok(data) = frame.map_err(read_error)?.into_data() else { continue };
            len += data.len();
            if len > limit {
                return Err(BodyError::TooLarge);
            }
            match (&first, &mut joined) {
                (None, _) => first = Some(data),
                (Some(_), Some(buffer)) => buffer.extend_from_slice(&data),
                (Some(head), None) => {
                    let mut buffer = bytes::BytesMut::with_capacity(len);
                    buffer.extend_from_slice(head);
                    buffer.extend_from_slice(&data);
                    joined = Some(buffer);
                }
            }
        }
        Ok(match (joined, first) {
            (Some(buffer), _) => buffer.freeze(),
            (None, first) => first.unwrap_or_default(),
        })
    }
}

/// Why a request body could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum BodyError {
    /// The body is longer than the app's limit (answered with 413).
    TooLarge,
    /// The client sent nothing for the app's
    /// [`body_read_timeout`](crate::App::body_read_timeout) (answered with 408).
    TimedOut,
    /// The connection failed while the body was being read.
    Read(BoxError),
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::TooLarge => f.write_str("request body too large"),
            BodyError::TimedOut => f.write_str("the client stopped sending the request body"),
            BodyError::Read(err) => write!(f, "failed to read the request body: {err}"),
        }
    }
}

impl std::error::Error for BodyError {}

/// What runs at a body's end, taken off it by [`Body::detach_end`]; dropped
/// without being reattached, it runs at once.
#[cfg(feature = "gzip")]
pub(crate) struct BodyEnd(Vec<OnEnd>);

/// Work that a layer above hangs on a response body with [`Body::on_end`]
/// (the dependencies layer: the request's teardowns and background tasks).
/// The body only knows when to start it.
pub(crate) trait EndWork: std::any::Any + Send + Sync {
    /// Starts the work; it must not block (spawn what takes time).
    fn run(self);
}

/// An [`EndWork`] of any type, started once, when the body ends or is
/// dropped before its end (the client went away).
///
/// The work sits in a recycled block of its own, behind `dyn Any`, so a
/// body that carries none stays one pointer; `start` is the work's own
/// `run`, chosen when the hook is made.
pub(crate) struct OnEnd {
    work: Option<Recycled<dyn std::any::Any + Send + Sync>>,
    start: fn(Recycled<dyn std::any::Any + Send + Sync>),
}

impl OnEnd {
    pub(crate) fn new<W: EndWork>(work: W) -> Self {
        OnEnd {
            work: Some(Recycled::any(work)),
            start: |work| {
                if let Ok(work) = work.downcast::<W>() {
                    Recycled::into_inner(work).run();
                }
            },
        }
    }

    fn is<W: EndWork>(&self) -> bool {
        self.work.as_deref().is_some_and(|work| work.is::<W>())
    }

    /// The work, unstarted, when it is a `W`.
    fn take<W: EndWork>(mut self) -> Result<W, OnEnd> {
        match self.work.take().map(|work| work.downcast::<W>()) {
            Some(Ok(work)) => Ok(Recycled::into_inner(work)),
            Some(Err(other)) => {
                self.work = Some(other);
                Err(self)
            }
            None => Err(self),
        }
    }

    fn release(&mut self) {
        if let Some(work) = self.work.take() {
            (self.start)(work);
        }
    }
}

impl Drop for OnEnd {
    fn drop(&mut self) {
        self.release();
    }
}

/// A body limit applied by a layer outside brisk (tower-http's
/// `RequestBodyLimitLayer`, `http_body_util::Limited`) is a body too large
/// too: 413, not a read error.
pub(crate) fn read_error(err: BoxError) -> BodyError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&*err);
    while let Some(error) = source {
        if error.is::<http_body_util::LengthLimitError>() {
            return BodyError::TooLarge;
        }
        if error.is::<Stalled>() {
            return BodyError::TimedOut;
        }
        source = error.source();
    }
    BodyError::Read(err)
}

/// A body that fails with [`Stalled`] when its client sends nothing for
/// `idle`, for the bodies read as a stream (multipart). The timer is armed
/// only while a read waits, and restarts with every piece that arrives.
#[cfg(feature = "multipart")]
pub(crate) struct ReadTimeout<B> {
    body: B,
    idle: Option<std::time::Duration>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

#[cfg(feature = "multipart")]
impl<B> ReadTimeout<B> {
    pub(crate) fn new(body: B, idle: Option<std::time::Duration>) -> Self {
        ReadTimeout { body, idle, sleep: None }
    }
}

/// What a [`ReadTimeout`] body yields when its client stalled.
#[derive(Debug)]
pub(crate) struct Stalled;

impl std::fmt::Display for Stalled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no request body data within the body read timeout")
    }
}

impl std::error::Error for Stalled {}

#[cfg(feature = "multipart")]
impl<B> http_body::Body for ReadTimeout<B>
where
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.body).poll_frame(cx) {
            Poll::Ready(frame) => {
                if this.sleep.is_some() {
                    this.sleep = None;
                }
                Poll::Ready(frame.map(|frame| frame.map_err(Into::into)))
            }
            Poll::Pending => {
                let Some(idle) = this.idle else { return Poll::Pending };
                let sleep = this.sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                match sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(Stalled)))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A body that is `Send` but not `Sync`, made `Sync` by never lending it
/// out through `&`: the size hint it had when wrapped stands in for it (it
/// serves length checks made before reading), and the end of the stream
/// is remembered once seen.
struct SyncBody<B> {
    body: sync_wrapper::SyncWrapper<Pin<Box<B>>>,
    hint: SizeHint,
    ended: bool,
}

impl<B: http_body::Body> SyncBody<B> {
    fn new(body: B) -> Self {
        let (hint, ended) = (body.size_hint(), body.is_end_stream());
        SyncBody { body: sync_wrapper::SyncWrapper::new(Box::pin(body)), hint, ended }
    }
}

impl<B: http_body::Body> http_body::Body for SyncBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        let frame = this.body.get_mut().as_mut().poll_frame(cx);
        if let Poll::Ready(None) = frame {
            this.ended = true;
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.ended
    }

    fn size_hint(&self) -> SizeHint {
        self.hint
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::empty()
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.0.as_deref() {
            None => "empty",
            Some(Inner::Full(_)) => "full",
            Some(Inner::Incoming(_)) => "incoming",
            Some(Inner::Boxed(_)) => "stream",
            Some(Inner::Guarded(..)) => "guarded",
        };
        f.debug_tuple("Body").field(&kind).finish()
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Body::new(Inner::Full(Some(bytes)))
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Body::from(Bytes::from(bytes))
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Body::from(Bytes::from(text))
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Body::from(Bytes::from_static(text.as_bytes()))
    }
}

impl From<&'static [u8]> for Body {
    fn from(bytes: &'static [u8]) -> Self {
        Body::from(Bytes::from_static(bytes))
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match self.get_mut().0.as_deref_mut() {
            None => Poll::Ready(None),
            Some(Inner::Full(bytes)) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Some(Inner::Incoming(incoming)) => Pin::new(incoming).poll_frame(cx).map_err(Into::into),
            Some(Inner::Boxed(boxed)) => Pin::new(boxed).poll_frame(cx),
            Some(Inner::Guarded(body, guard)) => {
                let frame = Pin::new(body).poll_frame(cx);
                if let Poll::Ready(None) = frame {
                    guard.release();
                }
                frame
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self.0.as_deref() {
            None => true,
            Some(Inner::Full(bytes)) => bytes.is_none(),
            Some(Inner::Incoming(incoming)) => incoming.is_end_stream(),
            Some(Inner::Boxed(boxed)) => boxed.is_end_stream(),
            // Ends only once polled to the end, so the teardowns start.
            Some(Inner::Guarded(..)) => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self.0.as_deref() {
            None => SizeHint::with_exact(0),
            Some(Inner::Full(bytes)) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Some(Inner::Incoming(incoming)) => incoming.size_hint(),
            Some(Inner::Boxed(boxed)) => boxed.size_hint(),
            Some(Inner::Guarded(body, _)) => body.size_hint(),
        }
    }
}
