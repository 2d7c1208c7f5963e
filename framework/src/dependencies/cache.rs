use std::any::{Any, TypeId};

use super::Dependency;
use super::teardown::Teardown;
use crate::background::BackgroundTasks;
use crate::extract::{FromRequest, Rejection};
use crate::recycle::Recycled;
use crate::request::Request;
use crate::response::ResponseHeaders;

/// What dependencies leave on a request while it runs, kept in the
/// request's scope slot: the values resolved so far, the yield
/// dependencies waiting for their teardowns, and the background tasks.
#[derive(Default)]
pub(crate) struct RequestScope {
    pub(crate) cache: DependencyCache,
    pub(crate) teardowns: Vec<Teardown>,
    pub(crate) background: Option<BackgroundTasks>,
    /// The headers and cookies handlers and dependencies asked for.
    pub(crate) headers: Option<ResponseHeaders>,
}

impl RequestScope {
    /// The request's background tasks, created on first use and shared by
    /// every handle taken from this request.
    fn background_tasks(request: &mut Request) -> BackgroundTasks {
        if let Some(tasks) = request.scope::<RequestScope>().and_then(|scope| scope.background.as_ref()) {
            return tasks.clone();
        }
        let tasks = BackgroundTasks::new(request);
        request.scope_mut::<RequestScope>().background = Some(tasks.clone());
        tasks
    }
}

impl FromRequest for ResponseHeaders {
    async fn from_request(request: &mut Request) -> Result<Self, Rejection> {
        let scope = request.scope_mut::<RequestScope>();
        Ok(scope.headers.get_or_insert_with(ResponseHeaders::default).clone())
    }
}

impl FromRequest for BackgroundTasks {
    async fn from_request(request: &mut Request) -> Result<Self, Rejection> {
        Ok(RequestScope::background_tasks(request))
    }
}

// In recycled blocks: a cached dependency is stored on every request that uses it.
type Entry = (TypeId, Recycled<dyn Any + Send + Sync>);

/// The values resolved so far in one request, one per dependency type.
///
/// A request uses a handful of dependencies, so the first few live inline
/// (the cache itself sits in a box created on first use) and are scanned
/// linearly; only larger trees spill into a list.
#[derive(Default)]
pub(crate) struct DependencyCache {
    inline: [Option<Entry>; 4],
    overflow: Vec<Entry>,
}

impl DependencyCache {
    fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.inline.iter().flatten().chain(&self.overflow)
    }

    pub(crate) fn get<D: Dependency>(&self) -> Option<D::Output> {
        let id = TypeId::of::<D>();
        let (_, value) = self.entries().find(|(t, _)| *t == id)?;
        value.downcast_ref::<D::Output>().cloned()
    }

    pub(crate) fn insert<D: Dependency>(&mut self, value: D::Output) {
        let id = TypeId::of::<D>();
        let value = Recycled::any(value);
        let existing = self.inline.iter_mut().flatten().chain(&mut self.overflow).find(|(t, _)| *t == id);
        if let Some(slot) = existing {
            slot.1 = value;
        } else if let Some(free) = self.inline.iter_mut().find(|slot| slot.is_none()) {
            *free = Some((id, value));
        } else {
            self.overflow.push((id, value));
        }
    }
}
