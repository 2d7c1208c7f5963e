use std::any::{Any, TypeId};

use super::Dependency;

/// The values resolved so far in one request, one per dependency type.
///
/// A request uses a handful of dependencies, so a short list scanned
/// linearly beats hashing; it allocates nothing until the first insert.
#[derive(Default)]
pub(crate) struct DependencyCache {
    entries: Vec<(TypeId, Box<dyn Any + Send + Sync>)>,
}

impl DependencyCache {
    pub(crate) fn get<D: Dependency>(&self) -> Option<D::Output> {
        let id = TypeId::of::<D>();
        let (_, value) = self.entries.iter().find(|(t, _)| *t == id)?;
        value.downcast_ref::<D::Output>().cloned()
    }

    pub(crate) fn insert<D: Dependency>(&mut self, value: D::Output) {
        let id = TypeId::of::<D>();
        match self.entries.iter_mut().find(|(t, _)| *t == id) {
            Some(slot) => slot.1 = Box::new(value),
            None => self.entries.push((id, Box::new(value))),
        }
    }
}
