//! Dependency cycles, found at compile time and reported by name.
//!
//! Each `#[depends]` function also writes a node of the dependency graph as a
//! `static`, and a constant that walks the graph from it. Statics may refer to
//! each other in a cycle where constants may not, so the walk itself always
//! evaluates; when it meets a function already on its path it fails the
//! build with `dependency cycle: get_a → get_b → get_a`.
//!
//! The walk runs in the type system's constant evaluation (an array length),
//! which the compiler does before it compares the dependencies' futures: the
//! named cycle comes first, ahead of rustc's own query-cycle report about the
//! futures that the same cycle makes infinitely large.

// The one pointer below is followed only by constant evaluation.
#![allow(unsafe_code)]

/// One `#[depends]` function in the compile-time graph.
#[doc(hidden)]
pub struct DependencyNode {
    /// `module_path!()` and the function's name: unique in the crate.
    pub id: &'static str,
    /// The function's name, as the cycle message shows it.
    pub name: &'static str,
    /// Its direct dependencies.
    pub dependencies: &'static [DependencyRef],
}

/// A reference to a [`DependencyNode`] static.
///
/// A raw pointer rather than a reference: a constant of a reference type is
/// read through by the compiler (to compare it as a value), and in a cycle
/// that read never ends. A pointer is only followed by [`assert_acyclic`].
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct DependencyRef(*const DependencyNode);

// Safety: the pointer comes from a `&'static DependencyNode` (see `new`) and
// nothing writes through it.
unsafe impl Send for DependencyRef {}
unsafe impl Sync for DependencyRef {}

impl DependencyRef {
    /// The node of a dependency with no dependencies of its own that takes
    /// part in no check (the default for hand-written `Dependency` impls).
    pub const LEAF: DependencyRef =
        DependencyRef::new(&DependencyNode { id: "", name: "", dependencies: &[] });

    pub const fn new(node: &'static DependencyNode) -> DependencyRef {
        DependencyRef(node)
    }

    const fn get(self) -> &'static DependencyNode {
        // Safety: built by `new` from a `'static` reference.
        unsafe { &*self.0 }
    }
}

/// How deep the walk goes; deeper chains are not checked (rustc's own error
/// still stops a cycle there).
const MAX_DEPTH: usize = 64;
/// How many finished nodes the walk remembers, so a graph with many shared
/// dependencies is walked once per node rather than once per path.
const MAX_SEEN: usize = 256;
const MESSAGE_CAPACITY: usize = 1024;

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Fails compilation when `root` lies on a dependency cycle, naming it.
///
/// A cycle reachable from `root` that does not pass through it is left to
/// its own members' checks, so each cycle is reported once per member, each
/// from its own start.
#[doc(hidden)]
pub const fn assert_acyclic(root: DependencyRef) {
    let root_node = root.get();
    let mut path: [(&'static DependencyNode, usize); MAX_DEPTH] = [(root_node, 0); MAX_DEPTH];
    let mut depth = 1;
    let mut seen: [&'static str; MAX_SEEN] = [""; MAX_SEEN];
    let mut seen_count = 0;
    while depth > 0 {
        let (node, next) = path[depth - 1];
        if next == node.dependencies.len() {
            if seen_count < MAX_SEEN {
                seen[seen_count] = node.id;
                seen_count += 1;
            }
            depth -= 1;
            continue;
        }
        path[depth - 1].1 += 1;
        let child = node.dependencies[next].get();
        if same(child.id, root_node.id) {
            // Written out here rather than in a helper: each function the
            // panic passes through adds a note to the compiler's report.
            let mut message = [0u8; MESSAGE_CAPACITY];
            let mut len = push(&mut message, 0, "dependency cycle: ");
            let mut i = 0;
            while i < depth {
                len = push(&mut message, len, path[i].0.name);
                len = push(&mut message, len, " → ");
                i += 1;
            }
            len = push(&mut message, len, root_node.name);
            len = push(&mut message, len, BREAK_IT);
            let (text, _) = message.split_at(len);
            match core::str::from_utf8(text) {
                Ok(text) => panic!("{}", text),
                Err(_) => panic!("dependency cycle"),
            }
        }
        let mut skip = depth == MAX_DEPTH;
        // A node on the path closes a cycle that does not include the root.
        let mut i = 1;
        while i < depth && !skip {
            skip = same(path[i].0.id, child.id);
            i += 1;
        }
        let mut j = 0;
        while j < seen_count && !skip {
            skip = same(seen[j], child.id);
            j += 1;
        }
        if !skip {
            path[depth] = (child, 0);
            depth += 1;
        }
    }
}

/// What the cycle message says after the cycle.
const BREAK_IT: &str = "\nbrisk would resolve these dependencies forever; break the cycle by moving what \
                        they share into a new `#[depends]` function that each of them depends on";

/// Appends `text` at `len`, stopping (on a character boundary) when full.
const fn push(message: &mut [u8; MESSAGE_CAPACITY], mut len: usize, text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Stop before a character that would not fit whole.
        let width = match bytes[i] {
            b if b < 0x80 => 1,
            b if b >= 0xF0 => 4,
            b if b >= 0xE0 => 3,
            _ => 2,
        };
        if len + width > MESSAGE_CAPACITY {
            return len;
        }
        let mut k = 0;
        while k < width {
            message[len] = bytes[i + k];
            len += 1;
            k += 1;
        }
        i += width;
    }
    len
}
