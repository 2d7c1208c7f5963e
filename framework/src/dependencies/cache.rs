use std::any::{Any, TypeId};

use super::Dependency;
use crate::recycle::Recycled;

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
