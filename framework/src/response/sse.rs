use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use http::HeaderValue;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};

use super::{IntoResponse, Response, StreamingResponse};
use crate::body::BoxError;

/// How long a stream may stay silent before a keep-alive comment goes out.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// One server-sent event: a `data` payload with optional `event`, `id` and
/// `retry` fields, as the HTML standard's `text/event-stream` defines them.
///
/// A payload with line breaks becomes several `data:` lines, which the
/// browser's `EventSource` joins back with `\n`. Line breaks in `event` and
/// `id` would end the field early, so they are removed.
///
/// ```
/// use brisk::response::Event;
///
/// let event = Event::data("line one\nline two").event("order").id("42");
/// assert_eq!(event.to_string(), "event: order\nid: 42\ndata: line one\ndata: line two\n\n");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    event: Option<String>,
    id: Option<String>,
    retry: Option<Duration>,
    data: Option<String>,
    comment: Option<String>,
}

/// `text` split at the standard's line ends, `\r\n`, `\r` and `\n` alike
/// (`str::lines` would leave a bare `\r` inside a line, where a browser
/// ends it).
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split("\r\n").flat_map(|line| line.split(['\r', '\n']))
}

fn one_line(text: impl Into<String>) -> String {
    text.into().chars().filter(|c| !matches!(c, '\r' | '\n' | '\0')).collect()
}

impl Event {
    /// An event carrying `data` (text; use [`Event::json`] for a value).
    pub fn data(data: impl Into<String>) -> Self {
        Event { data: Some(data.into()), ..Event::default() }
    }

    /// An event whose data is `value` as JSON (one line).
    pub fn json(value: &impl serde::Serialize) -> Result<Self, serde_json::Error> {
        Ok(Event::data(serde_json::to_string(value)?))
    }

    /// A comment line (`: text`), which clients ignore: what keep-alives are.
    pub fn comment(text: impl Into<String>) -> Self {
        Event { comment: Some(text.into()), ..Event::default() }
    }

    /// The event's type: `EventSource` dispatches it to listeners of that
    /// name instead of `onmessage`.
    pub fn event(mut self, event: impl Into<String>) -> Self {
        self.event = Some(one_line(event));
        self
    }

    /// The event's id: a reconnecting browser sends the last one it saw as
    /// the `Last-Event-ID` header (take it as `#[header] last_event_id: Option<String>`).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(one_line(id));
        self
    }

    /// How long the browser waits before reconnecting, sent in milliseconds.
    pub fn retry(mut self, retry: Duration) -> Self {
        self.retry = Some(retry);
        self
    }
}

impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(comment) = &self.comment {
            for line in lines(comment) {
                writeln!(f, ": {line}")?;
            }
        }
        if let Some(event) = &self.event {
            writeln!(f, "event: {event}")?;
        }
        if let Some(id) = &self.id {
            writeln!(f, "id: {id}")?;
        }
        if let Some(retry) = self.retry {
            writeln!(f, "retry: {}", retry.as_millis())?;
        }
        if let Some(data) = &self.data {
            for line in lines(data) {
                writeln!(f, "data: {line}")?;
            }
        }
        writeln!(f)
    }
}

/// A `text/event-stream` response: server-sent events, as FastAPI users
/// build with `StreamingResponse(media_type="text/event-stream")` or
/// sse-starlette.
///
/// Each item of the stream is sent as it comes. While the stream is silent,
/// a comment (`: keep-alive`) goes out every 15 seconds (see
/// [`keep_alive`](Self::keep_alive)), so proxies do not close an idle
/// connection. The response has `Cache-Control: no-cache` and
/// `X-Accel-Buffering: no` (nginx would buffer it otherwise), and brisk's
/// `GZip` middleware never compresses it. An error from the stream ends
/// it, logged, like a [`StreamingResponse`]'s.
///
/// ```
/// use std::time::Duration;
/// use brisk::prelude::*;
/// use brisk::response::{Event, EventStream};
///
/// #[get("/ticks")]
/// async fn ticks(#[header] last_event_id: Option<u64>) -> EventStream {
///     let start = last_event_id.map_or(0, |id| id + 1);
///     let events = futures_util::stream::iter((start..start + 3).map(|n| {
///         Ok::<_, std::convert::Infallible>(Event::data(format!("tick {n}")).id(n.to_string()))
///     }));
///     EventStream::new(events).keep_alive(Duration::from_secs(5))
/// }
/// ```
pub struct EventStream {
    events: Pin<Box<dyn Stream<Item = Result<Event, BoxError>> + Send>>,
    keep_alive: Option<Duration>,
}

impl EventStream {
    /// Sends `events` as they come.
    pub fn new<S, E>(events: S) -> Self
    where
        S: Stream<Item = Result<Event, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        use futures_util::StreamExt;
        EventStream {
            events: Box::pin(events.map(|event| event.map_err(Into::into))),
            keep_alive: Some(KEEP_ALIVE),
        }
    }

    /// The longest silence before a keep-alive comment (15 s by default).
    pub fn keep_alive(mut self, every: Duration) -> Self {
        self.keep_alive = Some(every);
        self
    }

    /// No keep-alive comments.
    pub fn without_keep_alive(mut self) -> Self {
        self.keep_alive = None;
        self
    }
}

/// The events as bytes, with a keep-alive comment after each silence.
struct Framed {
    events: Pin<Box<dyn Stream<Item = Result<Event, BoxError>> + Send>>,
    keep_alive: Option<(Duration, Pin<Box<tokio::time::Sleep>>)>,
}

impl Stream for Framed {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Poll::Ready(item) = this.events.as_mut().poll_next(cx) {
            if let Some((every, sleep)) = &mut this.keep_alive {
                sleep.as_mut().reset(tokio::time::Instant::now() + *every);
            }
            return Poll::Ready(item.map(|event| event.map(|event| Bytes::from(event.to_string()))));
        }
        if let Some((every, sleep)) = &mut this.keep_alive
            && sleep.as_mut().poll(cx).is_ready()
        {
            sleep.as_mut().reset(tokio::time::Instant::now() + *every);
            return Poll::Ready(Some(Ok(Bytes::from_static(b": keep-alive\n\n"))));
        }
        Poll::Pending
    }
}

impl IntoResponse for EventStream {
    fn into_response(self) -> Response {
        let keep_alive = self.keep_alive.map(|every| (every, Box::pin(tokio::time::sleep(every))));
        let framed = Framed { events: self.events, keep_alive };
        let mut response = StreamingResponse::new(framed).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
        response
    }
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").field("keep_alive", &self.keep_alive).finish_non_exhaustive()
    }
}
