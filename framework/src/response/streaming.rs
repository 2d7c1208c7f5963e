use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use http::header::{CONTENT_TYPE, HeaderName};
use http::{HeaderMap, HeaderValue, StatusCode};
use http_body_util::StreamBody;

use super::{IntoResponse, Response};
use crate::body::{Body, BoxError};

/// How many chunks a blocking iterator may run ahead of the client.
const BLOCKING_AHEAD: usize = 4;

/// A response whose body is produced while it is sent: FastAPI's
/// `StreamingResponse`.
///
/// Build it from a [`Stream`] of `Result<Bytes, E>` ([`StreamingResponse::new`]),
/// or from a blocking iterator ([`StreamingResponse::from_blocking_iter`]),
/// which is stepped on tokio's blocking pool so that reading a file or a
/// synchronous database cursor never stalls the executor. Nothing is
/// buffered: each chunk goes out as it comes (HTTP/1.1 chunked encoding, no
/// `Content-Length`).
///
/// An error from the stream, or a panic while it makes a chunk, ends the
/// body there: it is logged at ERROR (target `brisk::response`) and the
/// client never gets a body that looks whole. Over HTTP/1.1 the connection
/// closes without the final chunk; over HTTP/2 the stream is reset. When
/// the stream fails before anything was sent, the client gets no response
/// at all (the status was never written), though the access log records
/// the status that was meant.
/// When the client goes away, the stream is dropped (and a blocking
/// iterator stops at its next item).
///
/// No `Content-Type` is set unless you give one ([`media_type`](Self::media_type)).
///
/// ```
/// use brisk::prelude::*;
/// use brisk::response::StreamingResponse;
///
/// #[get("/numbers.csv")]
/// async fn numbers() -> StreamingResponse {
///     let rows = (0..1000).map(|n| Ok::<_, std::io::Error>(format!("{n}\n").into()));
///     StreamingResponse::from_blocking_iter(rows)
///         .media_type("text/csv")
///         .header("content-disposition", "attachment; filename=numbers.csv")
/// }
/// ```
pub struct StreamingResponse {
    body: Body,
    status: StatusCode,
    headers: HeaderMap,
}

impl StreamingResponse {
    /// Streams `stream`'s chunks as the body.
    pub fn new<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        // A panic while the stream makes a chunk ends the body like an error
        // (no task or connection goes down with it), and is logged as one.
        let caught = std::panic::AssertUnwindSafe(stream).catch_unwind().map(|chunk| match chunk {
            Ok(chunk) => chunk.map_err(Into::into),
            Err(_) => Err::<Bytes, BoxError>("the response stream panicked".into()),
        });
        let frames = caught.map(|chunk| match chunk {
            Ok(bytes) => Ok(http_body::Frame::data(bytes)),
            Err(err) => {
                tracing::error!(target: "brisk::response", error = %err, "response stream failed; the body ends here");
                Err(err)
            }
        });
        StreamingResponse {
            body: Body::from_http_body(StreamBody::new(frames)),
            status: StatusCode::OK,
            headers: HeaderMap::new(),
        }
    }

    /// Streams the chunks of a blocking iterator, stepped on the blocking
    /// pool a few chunks ahead of the client. A panic in the iterator ends
    /// the body like an error.
    pub fn from_blocking_iter<I, E>(iter: I) -> Self
    where
        I: IntoIterator<Item = Result<Bytes, E>> + Send + 'static,
        I::IntoIter: Send,
        E: Into<BoxError>,
    {
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Result<Bytes, BoxError>>(BLOCKING_AHEAD);
        let producer = tokio::task::spawn_blocking(move || {
            for chunk in iter {
                let failed = chunk.is_err();
                // A closed channel: the client went away, stop reading.
                if sender.blocking_send(chunk.map_err(Into::into)).is_err() || failed {
                    return;
                }
            }
        });
        let stream = futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx));
        // The producer's end, seen by the stream: a panic (its message went
        // to the panic hook) becomes the last item, an error.
        let ended = futures_util::stream::once(async move {
            match producer.await {
                Err(err) if err.is_panic() => {
                    Some(Err::<Bytes, BoxError>("the blocking iterator panicked".into()))
                }
                _ => None,
            }
        })
        .filter_map(std::future::ready);
        StreamingResponse::new(stream.chain(ended))
    }

    /// Sets the `Content-Type` (`text/csv`, `application/x-ndjson`, …).
    ///
    /// # Panics
    /// When `media_type` is not a valid header value: it is written by the
    /// programmer, never taken from a client.
    pub fn media_type(self, media_type: &str) -> Self {
        self.header(CONTENT_TYPE.as_str(), media_type)
    }

    /// Adds a response header.
    ///
    /// # Panics
    /// When the name or value is not a valid header (programmer-written).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::try_from(name).expect("a valid header name");
        let value = HeaderValue::try_from(value).expect("a valid header value");
        self.headers.append(name, value);
        self
    }

    /// Sets the status (200 by default).
    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
}

impl IntoResponse for StreamingResponse {
    fn into_response(self) -> Response {
        let mut response = Response::new(self.body);
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        response
    }

    /// A route's `status_code` applies unless the response set its own.
    fn into_response_with_status(self, status: StatusCode) -> Response {
        let own = self.status;
        let mut response = self.into_response();
        if own == StatusCode::OK {
            *response.status_mut() = status;
        }
        response
    }
}

impl std::fmt::Debug for StreamingResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamingResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish()
    }
}
