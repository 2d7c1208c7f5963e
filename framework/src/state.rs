//! App state: values registered once on the [`App`](crate::App) and shared by every request.

use std::any::{Any, TypeId};
use std::ops::Deref;
use std::sync::Arc;

/// A shared handle to app state of type `T`, registered with [`App::state`](crate::App::state).
///
/// Cloning is cheap (a reference count); it dereferences to `T`.
///
/// ```
/// use brisk::prelude::*;
///
/// struct Greeting(&'static str);
///
/// #[get("/greet")]
/// async fn greet(greeting: State<Greeting>) -> &'static str {
///     greeting.0
/// }
///
/// let app = App::new().state(Greeting("hi")).routes(routes![greet]);
/// # let _ = app;
/// ```
pub struct State<T: ?Sized>(Arc<T>);

/// The app state an extractor parameter needs: `T`'s type id and name for a
/// `State<T>`, `None` for other extractors. Routes and dependencies list one
/// per extractor parameter, so the app can refuse to start without a value
/// a handler would ask for.
#[doc(hidden)]
pub type StateNeed = fn() -> Option<(TypeId, &'static str)>;

/// The type `T`, for asking whether it is a `State<_>`:
/// `(&&StateOf::<T>::new()).need()` (autoref: any type may ask).
#[doc(hidden)]
pub struct StateOf<T>(std::marker::PhantomData<fn() -> T>);

impl<T> StateOf<T> {
    #[doc(hidden)]
    pub const fn new() -> Self {
        StateOf(std::marker::PhantomData)
    }
}

#[doc(hidden)]
pub trait NeedsState {
    fn need(&self) -> Option<(TypeId, &'static str)>;
}

impl<T: Send + Sync + 'static> NeedsState for &StateOf<State<T>> {
    fn need(&self) -> Option<(TypeId, &'static str)> {
        Some((TypeId::of::<T>(), std::any::type_name::<T>()))
    }
}

#[doc(hidden)]
pub trait NeedsNoState {
    fn need(&self) -> Option<(TypeId, &'static str)>;
}

impl<T> NeedsNoState for StateOf<T> {
    fn need(&self) -> Option<(TypeId, &'static str)> {
        None
    }
}

impl<T: ?Sized> State<T> {
    /// The shared pointer behind the handle.
    pub fn into_arc(self) -> Arc<T> {
        self.0
    }
}

impl<T: ?Sized> Clone for State<T> {
    fn clone(&self) -> Self {
        State(self.0.clone())
    }
}

impl<T: ?Sized> Deref for State<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ?Sized + std::fmt::Debug> std::fmt::Debug for State<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("State").field(&&*self.0).finish()
    }
}

/// The app's state values, one per type. Few entries, so a linear scan beats hashing.
#[derive(Default)]
pub(crate) struct StateMap {
    entries: Vec<(TypeId, Arc<dyn Any + Send + Sync>)>,
}

impl StateMap {
    pub(crate) fn insert<T: Send + Sync + 'static>(&mut self, value: T) {
        let id = TypeId::of::<T>();
        let value: Arc<dyn Any + Send + Sync> = Arc::new(value);
        match self.entries.iter_mut().find(|(t, _)| *t == id) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((id, value)),
        }
    }

    /// Moves every value of `other` in, replacing values of the same type.
    pub(crate) fn merge(&mut self, other: StateMap) {
        for (id, value) in other.entries {
            match self.entries.iter_mut().find(|(t, _)| *t == id) {
                Some(slot) => slot.1 = value,
                None => self.entries.push((id, value)),
            }
        }
    }

    pub(crate) fn contains(&self, id: TypeId) -> bool {
        self.entries.iter().any(|(t, _)| *t == id)
    }

    pub(crate) fn get<T: Send + Sync + 'static>(&self) -> Option<State<T>> {
        let id = TypeId::of::<T>();
        let (_, value) = self.entries.iter().find(|(t, _)| *t == id)?;
        value.clone().downcast::<T>().ok().map(State)
    }
}
