//! Path templates: `/users/{user_id}/files/{*rest}`.

/// One variable of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    pub catch_all: bool,
}

/// Reads the variables of a template, or says what is wrong with it.
pub fn parse(template: &str) -> Result<Vec<Variable>, String> {
    if !template.starts_with('/') {
        return Err(format!("a route path must start with `/`, found `{template}`"));
    }
    if let Some(at) = template.find(['?', '#']) {
        let what = if template[at..].starts_with('?') { "query string" } else { "fragment" };
        return Err(format!(
            "a route path has no {what}: match `{}` and declare query values as parameters \
             (`limit: u32` is `?limit=`)",
            &template[..at]
        ));
    }
    let mut variables: Vec<Variable> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        let tail = &rest[open..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('}') {
            return Err("unmatched `}` in the route path (write `}}` for a literal brace)".into());
        }
        let Some(close) = tail.find('}') else {
            return Err("unclosed `{` in the route path".into());
        };
        let inner = &tail[1..close];
        let (name, catch_all) = match inner.strip_prefix('*') {
            Some(name) => (name, true),
            None => (inner, false),
        };
        if name.is_empty() {
            return Err("empty `{}` in the route path: name the variable, as in `{item_id}`".into());
        }
        if !is_identifier(name) {
            return Err(format!("`{name}` is not a valid variable name: use a Rust identifier"));
        }
        if !rest[..open].ends_with('/') {
            return Err(format!("`{{{inner}}}` must fill a whole path segment"));
        }
        let after = &tail[close + 1..];
        if catch_all && !after.is_empty() {
            return Err(format!("the catch-all `{{*{name}}}` must be the last segment"));
        }
        if !(catch_all || after.is_empty() || after.starts_with('/')) {
            return Err(format!("`{{{inner}}}` must fill a whole path segment"));
        }
        if variables.iter().any(|v| v.name == name) {
            return Err(format!("the variable `{name}` appears twice in the route path"));
        }
        variables.push(Variable { name: name.to_owned(), catch_all });
        rest = after;
    }
    Ok(variables)
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_variables_in_order() {
        let vars = parse("/users/{user_id}/files/{*rest}").unwrap();
        assert_eq!(vars[0], Variable { name: "user_id".into(), catch_all: false });
        assert_eq!(vars[1], Variable { name: "rest".into(), catch_all: true });
    }

    #[test]
    fn rejects_malformed_templates() {
        for bad in [
            "items",
            "/items?x=1",
            "/items#top",
            "/items/{",
            "/items/{}",
            "/a/{x}/{x}",
            "/a/{*r}/b",
            "/a/x{y}",
            "/a/{1x}",
            "/a/}",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be rejected");
        }
        assert!(parse("/a/{{literal}}").unwrap().is_empty());
    }
}
