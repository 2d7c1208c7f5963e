//! Property tests: generated inputs against a simple reference model.
//!
//! Percent-decoding is where parsers disagree (FastAPI's path parameters
//! decode `%2F`; a query decodes `+` as a space, a path does not), so
//! arbitrary bytes, encoded in every way a client may choose, must come
//! back exactly as the reference decoder gives them.

use brisk::prelude::*;
use brisk::testing::TestClient;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

#[get("/echo/{value}")]
async fn echo_path(value: String) -> String {
    value
}

#[get("/files/{*rest}")]
async fn echo_rest(rest: String) -> String {
    rest
}

#[get("/query")]
async fn echo_query(q: String) -> String {
    q
}

fn client() -> (tokio::runtime::Runtime, TestClient) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let client = TestClient::new(App::new().routes(routes![echo_path, echo_rest, echo_query]));
    (runtime, client)
}

fn runner() -> TestRunner {
    TestRunner::new(Config { cases: 512, failure_persistence: None, ..Config::default() })
}

/// Bytes a client may leave as they are in a path segment (RFC 3986
/// `pchar` without `%`): letters, digits, `-._~`, and the sub-delimiters.
fn raw_in_path(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte)
}

/// Encodes `bytes` for a path segment: a byte that may stay raw stays raw
/// when `keep` says so; every other one is `%XX`, in upper or lower case.
fn encode_segment(bytes: &[u8], keep: &[bool]) -> String {
    bytes
        .iter()
        .zip(keep.iter().cycle())
        .enumerate()
        .map(|(i, (&byte, &keep))| match raw_in_path(byte) && keep {
            true => (byte as char).to_string(),
            false if i % 2 == 0 => format!("%{byte:02X}"),
            false => format!("%{byte:02x}"),
        })
        .collect()
}

#[test]
fn a_path_parameter_is_any_bytes_however_they_are_encoded() {
    let (runtime, client) = client();
    let strategy = (vec(any::<u8>(), 1..40), vec(any::<bool>(), 1..8));
    runner()
        .run(&strategy, |(bytes, keep)| {
            let encoded = encode_segment(&bytes, &keep);
            // `.` and `..` alone are dot segments, which clients resolve
            // before sending; brisk receives them only encoded.
            prop_assume!(encoded != "." && encoded != "..");
            let response = runtime.block_on(client.get(&format!("/echo/{encoded}")).send());
            prop_assert_eq!(response.status(), 200, "/echo/{}", encoded);
            // The reference: percent-decoding, then UTF-8 with U+FFFD for
            // bytes that are not (as FastAPI's path parameters).
            prop_assert_eq!(response.text(), String::from_utf8_lossy(&bytes), "/echo/{}", encoded);
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_catch_all_keeps_its_slashes_and_decodes_each_segment() {
    let (runtime, client) = client();
    let strategy = (vec(vec(any::<u8>(), 1..12), 1..5), vec(any::<bool>(), 1..8));
    runner()
        .run(&strategy, |(segments, keep)| {
            let encoded: Vec<String> =
                segments.iter().map(|segment| encode_segment(segment, &keep)).collect();
            prop_assume!(encoded.iter().all(|segment| segment != "." && segment != ".."));
            let path = format!("/files/{}", encoded.join("/"));
            let response = runtime.block_on(client.get(&path).send());
            prop_assert_eq!(response.status(), 200, "{}", path);
            let expected: Vec<u8> = segments.join(&b'/');
            prop_assert_eq!(response.text(), String::from_utf8_lossy(&expected), "{}", path);
            Ok(())
        })
        .unwrap();
}

/// Encodes `text` as a form-urlencoded query value: a space is `+` or
/// `%20`, as `keep` says; other bytes as [`encode_segment`] would.
fn encode_query(text: &str, keep: &[bool]) -> String {
    text.bytes()
        .zip(keep.iter().cycle())
        .map(|(byte, &keep)| match byte {
            b' ' if keep => "+".to_owned(),
            _ if byte.is_ascii_alphanumeric() || (keep && b"-._~!$'()*,;:@/?".contains(&byte)) => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[test]
fn a_query_value_is_any_text_with_plus_or_percent_20_as_a_space() {
    let (runtime, client) = client();
    let strategy = (any::<String>(), vec(any::<bool>(), 1..8));
    runner()
        .run(&strategy, |(text, keep)| {
            let encoded = encode_query(&text, &keep);
            let response = runtime.block_on(client.get(&format!("/query?q={encoded}")).send());
            prop_assert_eq!(response.status(), 200, "?q={}", encoded);
            prop_assert_eq!(response.text(), text.as_str(), "?q={}", encoded);
            Ok(())
        })
        .unwrap();
}

// ---------------------------------------------------------------------------
// The router against a reference model
// ---------------------------------------------------------------------------

/// The routes of the model: static, parameter and catch-all segments that
/// overlap at every depth. Each handler answers with its template's name
/// and the parameters it received.
mod table {
    use brisk::prelude::*;

    #[get("/users")]
    pub async fn users() -> String {
        "/users".into()
    }
    #[get("/users/me")]
    pub async fn me() -> String {
        "/users/me".into()
    }
    #[get("/users/{id}")]
    pub async fn user(id: String) -> String {
        format!("/users/{{id}} id={id}")
    }
    #[get("/users/{id}/posts")]
    pub async fn posts(id: String) -> String {
        format!("/users/{{id}}/posts id={id}")
    }
    #[get("/users/me/posts")]
    pub async fn my_posts() -> String {
        "/users/me/posts".into()
    }
    #[get("/users/{id}/posts/{post}")]
    pub async fn post(id: String, post: String) -> String {
        format!("/users/{{id}}/posts/{{post}} id={id} post={post}")
    }
    #[get("/files/readme")]
    pub async fn readme() -> String {
        "/files/readme".into()
    }
    #[get("/files/{*rest}")]
    pub async fn files(rest: String) -> String {
        format!("/files/{{*rest}} rest={rest}")
    }
    #[get("/{org}/settings")]
    pub async fn settings(org: String) -> String {
        format!("/{{org}}/settings org={org}")
    }
    #[get("/{org}/repos/{repo}")]
    pub async fn repo(org: String, repo: String) -> String {
        format!("/{{org}}/repos/{{repo}} org={org} repo={repo}")
    }
    #[get("/{org}")]
    pub async fn org(org: String) -> String {
        format!("/{{org}} org={org}")
    }
}

/// The model's templates, as the handlers above name them.
const TEMPLATES: &[&str] = &[
    "/users",
    "/users/me",
    "/users/{id}",
    "/users/{id}/posts",
    "/users/me/posts",
    "/users/{id}/posts/{post}",
    "/files/readme",
    "/files/{*rest}",
    "/{org}/settings",
    "/{org}/repos/{repo}",
    "/{org}",
];

/// How a template's segment matches, in the order of priority: a static
/// segment wins over a parameter, which wins over a catch-all.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Segment {
    Static,
    Param,
    CatchAll,
}

/// The reference router: every template that matches `path` (a parameter
/// takes one non-empty segment, a catch-all the non-empty rest), and of
/// those the one whose segments, compared from the left, are the most
/// specific. Answers what its handler would, or `None` (a 404).
fn reference(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
    let mut best: Option<(Vec<Segment>, String)> = None;
    for template in TEMPLATES {
        let parts: Vec<&str> = template[1..].split('/').collect();
        let mut kinds = Vec::new();
        let mut params = Vec::new();
        let mut matched = true;
        for (i, part) in parts.iter().enumerate() {
            if let Some(name) = part.strip_prefix("{*").and_then(|p| p.strip_suffix('}')) {
                let rest = segments.get(i..).map(|rest| rest.join("/")).unwrap_or_default();
                matched &= !rest.is_empty();
                kinds.push(Segment::CatchAll);
                params.push(format!("{name}={rest}"));
                break;
            }
            let Some(segment) = segments.get(i) else {
                matched = false;
                break;
            };
            if let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                matched &= !segment.is_empty();
                kinds.push(Segment::Param);
                params.push(format!("{name}={segment}"));
            } else {
                matched &= part == segment;
                kinds.push(Segment::Static);
            }
            if i == parts.len() - 1 {
                matched &= segments.len() == parts.len();
            }
        }
        if !matched {
            continue;
        }
        let answer = std::iter::once(template.to_string()).chain(params).collect::<Vec<_>>().join(" ");
        if best.as_ref().is_none_or(|(kinds_so_far, _)| kinds < *kinds_so_far) {
            best = Some((kinds, answer));
        }
    }
    best.map(|(_, answer)| answer)
}

#[test]
fn the_router_picks_the_route_the_reference_model_picks() {
    use table::*;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let app = App::new()
        .routes(routes![users, me, user, posts, my_posts, post, readme, files, settings, repo, org])
        .redirect_slashes(false)
        .openapi_url(None)
        .docs_url(None)
        .redoc_url(None);
    let client = TestClient::new(app);
    // Segments drawn from the templates' own words, so that paths hit
    // every overlap, plus others and the empty segment (`//`, a trailing `/`).
    let words = prop::sample::select(vec![
        "users", "me", "posts", "files", "readme", "settings", "repos", "acme", "42", "",
    ]);
    runner()
        .run(&vec(words, 1..6), |segments| {
            let path = format!("/{}", segments.join("/"));
            let response = runtime.block_on(client.get(&path).send());
            match reference(&path) {
                Some(expected) => {
                    prop_assert_eq!(response.status(), 200, "{} should reach {}", path, expected);
                    prop_assert_eq!(response.text(), expected, "{}", path);
                }
                None => prop_assert_eq!(response.status(), 404, "{}: {}", path, response.text()),
            }
            Ok(())
        })
        .unwrap();
}
