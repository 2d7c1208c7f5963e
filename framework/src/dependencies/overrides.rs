use std::any::{Any, TypeId};
use std::future::Future;
use std::pin::Pin;

use super::Dependency;
use crate::extract::Errors;
use crate::request::Request;

type Resolved<'a> = Pin<Box<dyn Future<Output = Option<Box<dyn Any + Send + Sync>>> + Send + 'a>>;

/// A dependency standing in for another, type-erased so the app can hold several.
pub(crate) struct Replacement {
    resolve: for<'a> fn(&'a mut Request, &'a mut Errors, bool) -> Resolved<'a>,
}

impl Replacement {
    fn of<R: Dependency>() -> Self {
        Replacement {
            resolve: |request, errors, use_cache| {
                Box::pin(async move {
                    let value = super::resolve::<R>(request, errors, use_cache).await?;
                    Some(Box::new(value) as Box<dyn Any + Send + Sync>)
                })
            },
        }
    }

    /// Resolves the replacement in place of `D`; its output type is `D`'s,
    /// which [`Overrides::insert`] checked at compile time.
    pub(crate) async fn resolve<D: Dependency>(
        &self,
        request: &mut Request,
        errors: &mut Errors,
        use_cache: bool,
    ) -> Option<D::Output> {
        let value = (self.resolve)(request, errors, use_cache).await?;
        value.downcast::<D::Output>().ok().map(|value| *value)
    }
}

/// The app's dependency overrides (FastAPI's `dependency_overrides`).
#[derive(Default)]
pub(crate) struct Overrides {
    entries: Vec<(TypeId, Replacement)>,
}

impl Overrides {
    pub(crate) fn insert<D: Dependency, R: Dependency<Output = D::Output>>(&mut self) {
        let id = TypeId::of::<D>();
        self.entries.retain(|(t, _)| *t != id);
        self.entries.push((id, Replacement::of::<R>()));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn get<D: Dependency>(&self) -> Option<&Replacement> {
        let id = TypeId::of::<D>();
        self.entries.iter().find(|(t, _)| *t == id).map(|(_, r)| r)
    }
}
