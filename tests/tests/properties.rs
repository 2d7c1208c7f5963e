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
