//! What the app can say about its dependency graph.

/// A dependency's name and its direct dependencies, written by `#[depends]`.
///
/// A cycle among `#[depends]` functions is a compile error that names it
/// (`dependency cycle: get_a → get_b → get_a`); see `cycles.rs`.
#[derive(Debug)]
pub struct DependencyInfo {
    /// The function's name.
    pub name: &'static str,
    /// What it depends on, in parameter order.
    pub dependencies: &'static [&'static DependencyInfo],
    /// Whether it is a plain `fn` (run on the blocking pool).
    pub blocking: bool,
    /// Whether it yields (has a teardown), and when that teardown runs.
    pub teardown: Option<super::Scope>,
    /// How its own parameters read the body.
    pub body: crate::extract::BodyReader,
    /// Its own path, query, header and cookie parameters, in order.
    pub params: &'static [crate::extract::ParamInfo],
    /// The parts of the body its own parameters read.
    pub request_body: &'static [crate::extract::BodyField],
    /// Its extractors' security schemes, each `None` for one that is not.
    pub security: &'static [crate::security::SecurityFn],
    /// The app state its own extractor parameters need (`State<T>`).
    pub states: &'static [crate::state::StateNeed],
}

impl DependencyInfo {
    /// Every function of the tree under this dependency (itself first)
    /// with how it reads the body.
    pub(crate) fn body_readers(&'static self, out: &mut Vec<(&'static str, crate::extract::BodyReader)>) {
        out.push((self.name, self.body));
        for dependency in self.dependencies {
            dependency.body_readers(out);
        }
    }
}

impl DependencyInfo {
    /// Writes the tree under this dependency, indented by `depth`.
    pub(crate) fn write_tree(&self, out: &mut String, depth: usize) {
        out.push_str(&"    ".repeat(depth));
        out.push_str("└─ ");
        out.push_str(self.name);
        if self.blocking {
            out.push_str(" (blocking)");
        }
        match self.teardown {
            Some(super::Scope::Request) => out.push_str(" (teardown after the response)"),
            Some(super::Scope::Function) => out.push_str(" (teardown before the response)"),
            None => {}
        }
        out.push('\n');
        for child in self.dependencies {
            child.write_tree(out, depth + 1);
        }
    }

    /// Calls `edge(from, to)` for every edge under this dependency.
    pub(crate) fn edges(&self, edge: &mut impl FnMut(&'static str, &'static str)) {
        for child in self.dependencies {
            edge(self.name, child.name);
            child.edges(edge);
        }
    }
}

/// Whether `dependent` tears down after the response while `dependency`
/// tears down before it: the dependent would outlive what it uses.
#[doc(hidden)]
pub const fn outlives(dependent: &DependencyInfo, dependency: &DependencyInfo) -> bool {
    matches!(dependent.teardown, Some(super::Scope::Request))
        && matches!(dependency.teardown, Some(super::Scope::Function))
}
