//! Heap blocks reused from one request to the next, on each thread.
//!
//! Every request needs the same few heap blocks: the request itself, the
//! route's future and one future per middleware layer; requests with
//! dependencies add their cache and cached values, yield dependencies the
//! rest of their body and the guard on the response body. The general
//! allocator spends well over a hundred instructions on each malloc/free
//! pair; here a freed block goes onto a short per-thread list, and the next
//! request on that thread takes it back in a few. (actix-web pools its
//! request objects per thread for the same reason.) A framework must not
//! choose the app's global allocator, so this stays local to the blocks
//! brisk itself makes, and every fresh block still comes from the global
//! allocator.
//!
//! The only `unsafe` in brisk is in this module.
#![allow(unsafe_code)]

use std::alloc::{Layout, alloc, dealloc, handle_alloc_error};
use std::cell::Cell;
use std::future::Future;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::task::{Context, Poll};

/// Block sizes: 64 bytes doubling up to 4 KiB. Larger values are rare and
/// go straight to the global allocator.
const CLASSES: usize = 7;
const SMALLEST: usize = 64;
/// Every kept block is aligned for anything up to this.
const ALIGN: usize = 16;
/// Blocks kept per size on each thread: enough for the requests one worker
/// has in flight at once, small enough that an idle thread holds little.
const KEEP: u32 = 64;

/// An owned value in a recycled heap block: `Box` with a cheaper allocation.
pub(crate) struct Recycled<T: ?Sized> {
    ptr: NonNull<T>,
    owns: PhantomData<T>,
}

// SAFETY: a `Recycled<T>` owns its `T` exactly as a `Box<T>` does.
unsafe impl<T: ?Sized + Send> Send for Recycled<T> {}
// SAFETY: as above; shared access only hands out `&T`.
unsafe impl<T: ?Sized + Sync> Sync for Recycled<T> {}

impl<T: ?Sized> Unpin for Recycled<T> {}

impl<T> Recycled<T> {
    pub(crate) fn new(value: T) -> Self {
        let ptr = take(Layout::new::<T>()).cast::<T>();
        // SAFETY: `take` returned a block valid for writes of `T`'s layout.
        unsafe { ptr.as_ptr().write(value) };
        Recycled { ptr, owns: PhantomData }
    }

    /// [`Recycled::new`] with the value made by `make` once the block is
    /// taken, so that it is written straight into the block: a value made
    /// first would be built on the stack and then copied there.
    pub(crate) fn new_with(make: impl FnOnce() -> T) -> Self {
        let ptr = take(Layout::new::<T>()).cast::<T>();
        // SAFETY: as in `new`.
        unsafe { ptr.as_ptr().write(make()) };
        Recycled { ptr, owns: PhantomData }
    }

    /// Moves the value out and gives the block back.
    pub(crate) fn into_inner(this: Self) -> T {
        let this = ManuallyDrop::new(this);
        // SAFETY: the value is initialised and, since `this` is never
        // dropped, read exactly once; the block is released after the read
        // and never used again.
        unsafe {
            let value = this.ptr.as_ptr().read();
            give_back(this.ptr.cast(), Layout::new::<T>());
            value
        }
    }
}

/// A type-erased future in a recycled block, where brisk would otherwise
/// use `Pin<Box<dyn Future>>`.
pub(crate) type RecycledFuture<T> = Recycled<dyn Future<Output = T> + Send>;

impl<T> RecycledFuture<T> {
    pub(crate) fn future<F: Future<Output = T> + Send + 'static>(future: F) -> Self {
        let this = ManuallyDrop::new(Recycled::new(future));
        Recycled { ptr: this.ptr, owns: PhantomData }
    }
}

impl Recycled<dyn std::any::Any + Send + Sync> {
    pub(crate) fn any<T: std::any::Any + Send + Sync>(value: T) -> Self {
        let this = ManuallyDrop::new(Recycled::new(value));
        Recycled { ptr: this.ptr, owns: PhantomData }
    }

    /// The value as a `T` again, in the same block; itself when it is not one.
    pub(crate) fn downcast<T: std::any::Any>(self) -> Result<Recycled<T>, Self> {
        if !(*self).is::<T>() {
            return Err(self);
        }
        let this = ManuallyDrop::new(self);
        // The value is a `T` (checked above), so the block holds a `T` at
        // this address with `T`'s layout: the one `Drop` and `into_inner`
        // of a `Recycled<T>` give back. Ownership moves; `this` is forgotten.
        Ok(Recycled { ptr: this.ptr.cast::<T>(), owns: PhantomData })
    }
}

/// A value of any type in a recycled block, with its type's id kept beside
/// the pointer: a downcast compares that id in place, where `dyn Any` would
/// ask the vtable first (a call, about ten instructions). For the slots a
/// request reads several times (its app context, its scope).
pub(crate) struct AnyValue {
    id: std::any::TypeId,
    value: Recycled<dyn std::any::Any + Send + Sync>,
}

impl AnyValue {
    pub(crate) fn new<T: std::any::Any + Send + Sync>(value: T) -> Self {
        AnyValue { id: std::any::TypeId::of::<T>(), value: Recycled::any(value) }
    }

    pub(crate) fn is<T: std::any::Any>(&self) -> bool {
        self.id == std::any::TypeId::of::<T>()
    }

    pub(crate) fn downcast_ref<T: std::any::Any>(&self) -> Option<&T> {
        // SAFETY: `id` is the id of the type `value` was made from (both
        // fields are set together, in `new`, and never changed), so when it
        // is `T`'s the block holds a `T`, initialised and owned by `self`.
        self.is::<T>().then(|| unsafe { &*self.value.ptr.as_ptr().cast::<T>() })
    }

    pub(crate) fn downcast_mut<T: std::any::Any>(&mut self) -> Option<&mut T> {
        // SAFETY: as in `downcast_ref`; `&mut self` makes the access unique.
        self.is::<T>().then(|| unsafe { &mut *self.value.ptr.as_ptr().cast::<T>() })
    }
}

impl<T> Future for RecycledFuture<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        // SAFETY: the future lives in its block until `drop`, and nothing
        // moves it out: `RecycledFuture` offers no way to reach it by value,
        // and an unsized value cannot be swapped out through `&mut`. So it
        // is pinned, as the contents of a `Pin<Box<_>>` are.
        unsafe { Pin::new_unchecked(&mut *self.get_mut().ptr.as_ptr()) }.poll(cx)
    }
}

impl<T: ?Sized> Deref for Recycled<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the value is initialised and owned by `self`.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T: ?Sized> DerefMut for Recycled<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as above, and `&mut self` makes the access unique.
        unsafe { self.ptr.as_mut() }
    }
}

impl<T: ?Sized> Drop for Recycled<T> {
    fn drop(&mut self) {
        // SAFETY: the value is initialised and dropped only here; the layout
        // is read before the drop, and the block was taken for that layout.
        unsafe {
            let layout = Layout::for_value(self.ptr.as_ref());
            ptr::drop_in_place(self.ptr.as_ptr());
            give_back(self.ptr.cast(), layout);
        }
    }
}

/// The size class that holds `layout`, if it is one this module keeps.
fn class_of(layout: Layout) -> Option<usize> {
    if layout.size() == 0 || layout.align() > ALIGN {
        return None;
    }
    let class = layout.size().max(SMALLEST).next_power_of_two().trailing_zeros() as usize
        - SMALLEST.trailing_zeros() as usize;
    (class < CLASSES).then_some(class)
}

fn class_layout(class: usize) -> Layout {
    match Layout::from_size_align(SMALLEST << class, ALIGN) {
        Ok(layout) => layout,
        Err(_) => unreachable!("size classes are small powers of two"),
    }
}

/// A block valid for `layout`: a kept one when there is one, else fresh.
fn take(layout: Layout) -> NonNull<u8> {
    if layout.size() == 0 {
        // Nothing to store: any non-null address aligned for the type will do.
        return NonNull::new(ptr::without_provenance_mut(layout.align())).unwrap_or(NonNull::dangling());
    }
    let layout = match class_of(layout) {
        Some(class) => match SHELVES.try_with(|shelves| shelves[class].pop()) {
            Ok(Some(block)) => return block,
            _ => class_layout(class),
        },
        None => layout,
    };
    // SAFETY: the layout's size is not zero.
    NonNull::new(unsafe { alloc(layout) }).unwrap_or_else(|| handle_alloc_error(layout))
}

/// Keeps `block` for reuse, or frees it when this thread keeps enough.
///
/// # Safety
/// `block` came from `take(layout)` and is not used afterwards.
unsafe fn give_back(block: NonNull<u8>, layout: Layout) {
    if layout.size() == 0 {
        return;
    }
    let layout = match class_of(layout) {
        Some(class) => match SHELVES.try_with(|shelves| shelves[class].push(block)) {
            Ok(true) => return,
            _ => class_layout(class),
        },
        None => layout,
    };
    // SAFETY: the block was allocated with this layout (its class's, for
    // classed sizes) and is no longer used.
    unsafe { dealloc(block.as_ptr(), layout) }
}

/// The kept blocks of one size class, as a list threaded through the
/// blocks themselves.
struct Shelf {
    head: Cell<Option<NonNull<Free>>>,
    len: Cell<u32>,
}

/// What a kept block holds: the next kept block.
struct Free {
    next: Option<NonNull<Free>>,
}

impl Shelf {
    const fn new() -> Self {
        Shelf { head: Cell::new(None), len: Cell::new(0) }
    }

    fn pop(&self) -> Option<NonNull<u8>> {
        let block = self.head.get()?;
        // SAFETY: every listed block holds a `Free`, written by `push`.
        self.head.set(unsafe { block.as_ref().next });
        self.len.set(self.len.get() - 1);
        Some(block.cast())
    }

    /// Lists `block`, unless the shelf is full.
    fn push(&self, block: NonNull<u8>) -> bool {
        if self.len.get() >= KEEP {
            return false;
        }
        let block = block.cast::<Free>();
        // SAFETY: the block is at least 64 bytes, aligned to 16 and unused.
        unsafe { block.as_ptr().write(Free { next: self.head.get() }) };
        self.head.set(Some(block));
        self.len.set(self.len.get() + 1);
        true
    }
}

struct Shelves([Shelf; CLASSES]);

impl Deref for Shelves {
    type Target = [Shelf; CLASSES];

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Drop for Shelves {
    fn drop(&mut self) {
        for (class, shelf) in self.0.iter().enumerate() {
            while let Some(block) = shelf.pop() {
                // SAFETY: kept blocks were allocated with their class's layout.
                unsafe { dealloc(block.as_ptr(), class_layout(class)) };
            }
        }
    }
}

thread_local! {
    static SHELVES: Shelves = const { Shelves([const { Shelf::new() }; CLASSES]) };
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    struct Counted(Arc<AtomicUsize>, #[allow(dead_code)] [u8; 100]);

    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn values_are_dropped_once_and_blocks_come_back() {
        let drops = Arc::new(AtomicUsize::new(0));
        let first = Recycled::new(Counted(drops.clone(), [1; 100]));
        let address = first.ptr.cast::<u8>();
        drop(first);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        // Same size class, same thread: the freed block is the next one out.
        let second = Recycled::new([7u64; 12]);
        assert_eq!(second.ptr.cast::<u8>(), address);
        assert_eq!(*second, [7u64; 12]);
        let moved_out = Recycled::into_inner(Recycled::new(Counted(drops.clone(), [2; 100])));
        assert_eq!(drops.load(Ordering::SeqCst), 1, "into_inner must not drop the value");
        assert_eq!(moved_out.1[0], 2);
        drop(moved_out);
        assert_eq!(drops.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn sizes_and_alignments_outside_the_classes_still_work() {
        #[repr(align(64))]
        struct Wide(u8);
        let wide = Recycled::new(Wide(3));
        assert_eq!(wide.ptr.as_ptr() as usize % 64, 0);
        assert_eq!(wide.0, 3);
        let large = Recycled::new([5u8; 10_000]);
        assert!(large.iter().all(|b| *b == 5));
        // Nothing stored, but the pointer must still suit the type's alignment.
        let empty = Recycled::new([0u64; 0]);
        assert_eq!(empty.ptr.as_ptr() as usize % std::mem::align_of::<u64>(), 0);
        assert_eq!(class_of(Layout::new::<[u8; 64]>()), Some(0));
        assert_eq!(class_of(Layout::new::<[u8; 65]>()), Some(1));
        assert_eq!(class_of(Layout::new::<[u8; 4096]>()), Some(6));
        assert_eq!(class_of(Layout::new::<[u8; 4097]>()), None);
    }

    #[test]
    fn a_shelf_keeps_a_bounded_number_of_blocks() {
        let many: Vec<_> = (0..KEEP + 10).map(|i| Recycled::new([i; 300])).collect();
        drop(many);
        SHELVES.with(|shelves| {
            assert_eq!(shelves[class_of(Layout::new::<[u32; 300]>()).unwrap()].len.get(), KEEP)
        });
    }

    /// Tokio moves requests between worker threads: a block made on one
    /// thread is kept by the thread that frees it.
    #[test]
    fn blocks_freed_on_another_thread_are_kept_there() {
        let drops = Arc::new(AtomicUsize::new(0));
        let made = {
            let drops = drops.clone();
            std::thread::spawn(move || {
                (0..KEEP + 5).map(|_| Recycled::new(Counted(drops.clone(), [3; 100]))).collect::<Vec<_>>()
            })
            .join()
            .unwrap()
        };
        let class = class_of(Layout::new::<Counted>()).unwrap();
        SHELVES.with(|shelves| assert_eq!(shelves[class].len.get(), 0));
        drop(made);
        assert_eq!(drops.load(Ordering::SeqCst), (KEEP + 5) as usize);
        SHELVES.with(|shelves| assert_eq!(shelves[class].len.get(), KEEP));
        // And this thread hands them out again.
        let reused = Recycled::new(Counted(drops.clone(), [4; 100]));
        assert_eq!(reused.1[0], 4);
        SHELVES.with(|shelves| assert_eq!(shelves[class].len.get(), KEEP - 1));
    }

    #[test]
    fn erased_values_downcast_and_drop() {
        let drops = Arc::new(AtomicUsize::new(0));
        let value = Recycled::any(Counted(drops.clone(), [9; 100]));
        assert_eq!(value.downcast_ref::<Counted>().map(|c| c.1[0]), Some(9));
        assert!(value.downcast_ref::<u32>().is_none());
        let Err(value) = value.downcast::<u32>() else { panic!("a Counted is not a u32") };
        let counted = value.downcast::<Counted>().ok().expect("a Counted");
        assert_eq!(Recycled::into_inner(counted).1[99], 9);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn tagged_values_downcast_by_their_id_and_drop() {
        let drops = Arc::new(AtomicUsize::new(0));
        let mut value = AnyValue::new(Counted(drops.clone(), [5; 100]));
        assert!(value.downcast_ref::<u32>().is_none());
        assert!(value.downcast_mut::<u32>().is_none());
        value.downcast_mut::<Counted>().expect("a Counted").1[7] = 6;
        assert_eq!(value.downcast_ref::<Counted>().map(|c| (c.1[0], c.1[7])), Some((5, 6)));
        drop(value);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn futures_run_and_drop_their_state() {
        let drops = Arc::new(AtomicUsize::new(0));
        let held = Counted(drops.clone(), [0; 100]);
        let future = RecycledFuture::future(async move {
            let held = held;
            tokio::task::yield_now().await;
            held.1.len()
        });
        assert_eq!(future.await, 100);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        // Dropped before completion: its state is dropped all the same.
        let held = Counted(drops.clone(), [0; 100]);
        let pending = RecycledFuture::future(async move {
            let held = held;
            std::future::pending::<()>().await;
            held.1.len()
        });
        drop(pending);
        assert_eq!(drops.load(Ordering::SeqCst), 2);
    }
}
