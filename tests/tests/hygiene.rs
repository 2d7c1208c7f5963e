//! Generated code names everything by absolute path: handlers compile in a
//! module with no imports, next to items that shadow std's names.

#[allow(dead_code, non_camel_case_types)]
mod no_imports {
    struct Result;
    struct Ok;
    struct Option;
    struct Some;
    struct None;
    struct String;
    struct Vec;
    struct Box;
    struct Request;
    struct Response;
    struct Errors;
    type StdString = std::string::String;

    #[brisk::get("/shadowed/{id}")]
    pub async fn shadowed(
        id: u32,
        #[query] q: core::option::Option<StdString>,
        #[header] errors: core::option::Option<StdString>,
        request: brisk::Request,
    ) -> brisk::Json<serde_json::Value> {
        brisk::Json(serde_json::json!({
            "id": id, "q": q, "errors": errors, "method": request.method().as_str()
        }))
    }

    /// A parameter named like its handler must not shadow the handler.
    #[brisk::get("/same/{same}")]
    pub fn same(same: u32) -> StdString {
        std::format!("{same}")
    }

    /// Nor may a handler named like the generated code's own locals.
    #[brisk::get("/args/{args}")]
    pub async fn args(args: u32, state: core::option::Option<u32>) -> StdString {
        std::format!("{args} {state:?}")
    }
}

#[tokio::test]
async fn handlers_compile_without_imports_and_despite_shadowing() {
    use brisk::testing::TestClient;
    let app =
        brisk::App::new().routes(brisk::routes![no_imports::shadowed, no_imports::same, no_imports::args]);
    let client = TestClient::new(app);
    let response = client.get("/shadowed/3?q=x").header("errors", "e").send().await;
    assert_eq!(
        response.json::<serde_json::Value>(),
        serde_json::json!({"id": 3, "q": "x", "errors": "e", "method": "GET"})
    );
    assert_eq!(client.get("/same/9").send().await.text(), "9");
    assert_eq!(client.get("/args/4?state=2").send().await.text(), "4 Some(2)");
}

#[tokio::test]
async fn handlers_can_live_inside_a_function() {
    use brisk::prelude::*;

    #[get("/local")]
    async fn local() -> &'static str {
        "local"
    }

    let client = brisk::testing::TestClient::new(App::new().routes(routes![local]));
    assert_eq!(client.get("/local").send().await.text(), "local");
}
