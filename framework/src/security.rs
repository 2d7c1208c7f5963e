//! Ready-made authentication extractors, as FastAPI's `fastapi.security`:
//! each reads the credentials of one scheme, answers 401 with FastAPI's
//! detail and a `WWW-Authenticate` challenge when they are missing, and
//! describes its scheme in the OpenAPI document (`securitySchemes`, and
//! the `security` requirement of every operation whose dependency tree
//! takes it), so Swagger UI's Authorize button works with it.
//!
//! | extractor | reads | scheme in the document |
//! |---|---|---|
//! | [`HttpBearer`] | `Authorization: Bearer <token>` | `HTTPBearer`: http, bearer |
//! | [`HttpBasic`] | `Authorization: Basic <base64>` | `HTTPBasic`: http, basic |
//! | [`ApiKeyHeader<K>`] | the header `K::NAME` | `APIKeyHeader`: apiKey in header |
//! | [`ApiKeyQuery<K>`] | the query parameter `K::NAME` | `APIKeyQuery`: apiKey in query |
//! | [`ApiKeyCookie<K>`] | the cookie `K::NAME` | `APIKeyCookie`: apiKey in cookie |
//! | [`OAuth2PasswordBearer<T>`] | `Authorization: Bearer <token>` | `OAuth2PasswordBearer`: oauth2 password flow at `T::TOKEN_URL` |
//!
//! Each also extracts as `Option<…>`: `None` instead of the 401 (FastAPI's
//! `auto_error=False`), for routes that serve anonymous callers too.
//!
//! Statuses follow RFC 9110 and FastAPI since 0.118: missing or unusable
//! credentials are 401 `{"detail": "Not authenticated"}` with the scheme's
//! challenge (`Bearer`, `Basic`, `APIKey`); undecodable Basic credentials
//! are 401 `{"detail": "Invalid authentication credentials"}`. Whether the
//! credentials are *right* is the app's to check, in the dependency that
//! takes the extractor.
//!
//! ```
//! use brisk::prelude::*;
//! use brisk::security::HttpBearer;
//!
//! #[depends]
//! async fn get_current_user(credentials: HttpBearer) -> Result<String, HttpError> {
//!     match credentials.credentials.as_str() {
//!         "secret-token" => Ok("alice".to_owned()),
//!         _ => Err(HttpError::unauthorized("Invalid token").with_header("www-authenticate", "Bearer")),
//!     }
//! }
//!
//! #[get("/me")]
//! async fn me(#[depends(get_current_user)] user: String) -> String {
//!     user
//! }
//!
//! let document = App::new().routes(routes![me]).openapi();
//! assert_eq!(document["paths"]["/me"]["get"]["security"], serde_json::json!([{ "HTTPBearer": [] }]));
//! assert_eq!(document["components"]["securitySchemes"]["HTTPBearer"]["scheme"], "bearer");
//! ```

use std::marker::PhantomData;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::errors::HttpError;
use crate::extract::{FromRequest, Rejection};
use crate::request::Request;

/// An extractor's entry in the OpenAPI document's `securitySchemes`, and
/// the scopes an operation that takes it requires.
///
/// brisk's extractors implement it; implement it for an authentication
/// extractor of your own to document it the same way.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::extract::{FromRequest, Rejection};
/// use brisk::security::SecurityScheme;
///
/// struct Signed(String);
///
/// impl FromRequest for Signed {
///     async fn from_request(request: &mut Request) -> Result<Self, Rejection> {
///         let signature = request.headers().get("x-signature").and_then(|v| v.to_str().ok());
///         signature.map(|s| Signed(s.to_owned())).ok_or_else(|| HttpError::unauthorized("Not signed").into())
///     }
/// }
///
/// impl SecurityScheme for Signed {
///     const NAME: &'static str = "Signature";
///     fn scheme() -> serde_json::Value {
///         serde_json::json!({ "type": "apiKey", "in": "header", "name": "x-signature" })
///     }
/// }
///
/// #[post("/hooks")]
/// async fn hook(signed: Signed) -> String {
///     signed.0
/// }
///
/// let document = App::new().routes(routes![hook]).openapi();
/// assert_eq!(document["paths"]["/hooks"]["post"]["security"][0]["Signature"], serde_json::json!([]));
/// ```
pub trait SecurityScheme {
    /// The scheme's key in `components/securitySchemes` (FastAPI's
    /// `scheme_name`, by default the class name: `HTTPBearer`).
    const NAME: &'static str;

    /// The Security Scheme Object (OpenAPI 3.1, 4.8.27).
    fn scheme() -> Value;

    /// The scopes an operation that takes the extractor requires.
    fn scopes() -> Vec<String> {
        Vec::new()
    }
}

impl<T: SecurityScheme> SecurityScheme for Option<T> {
    const NAME: &'static str = T::NAME;

    fn scheme() -> Value {
        T::scheme()
    }

    fn scopes() -> Vec<String> {
        T::scopes()
    }
}

/// One scheme an operation requires, as the macros record it.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityRequirement {
    /// The key in `securitySchemes`.
    pub name: &'static str,
    /// The Security Scheme Object.
    pub scheme: Value,
    /// The required scopes.
    pub scopes: Vec<String>,
}

/// A recorded parameter's requirement, if its type is a [`SecurityScheme`].
pub type SecurityFn = fn() -> Option<SecurityRequirement>;

/// The type `T`, for asking whether it is a security scheme:
/// `(&&SecurityOf::<T>::new()).requirement()`.
#[doc(hidden)]
pub struct SecurityOf<T>(PhantomData<fn() -> T>);

impl<T> SecurityOf<T> {
    #[doc(hidden)]
    pub const fn new() -> Self {
        SecurityOf(PhantomData)
    }
}

impl<T> Default for SecurityOf<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[doc(hidden)]
pub trait Secured {
    fn requirement(&self) -> Option<SecurityRequirement>;
}

impl<T: SecurityScheme> Secured for &SecurityOf<T> {
    fn requirement(&self) -> Option<SecurityRequirement> {
        Some(SecurityRequirement { name: T::NAME, scheme: T::scheme(), scopes: T::scopes() })
    }
}

#[doc(hidden)]
pub trait Unsecured {
    fn requirement(&self) -> Option<SecurityRequirement>;
}

impl<T> Unsecured for SecurityOf<T> {
    fn requirement(&self) -> Option<SecurityRequirement> {
        None
    }
}

/// 401 `Not authenticated` with the scheme's challenge.
fn not_authenticated(challenge: &'static str) -> Rejection {
    HttpError::unauthorized("Not authenticated").with_header("www-authenticate", challenge).into()
}

/// `Authorization: <scheme> <credentials>`, the scheme compared without
/// case (RFC 9110, 11.1); `None` when the header is absent, not text, or
/// either part is empty.
fn authorization<'a>(request: &'a Request, scheme: &str) -> Option<&'a str> {
    let value = request.headers().get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (given, credentials) = value.trim().split_once(' ')?;
    let credentials = credentials.trim();
    (given.eq_ignore_ascii_case(scheme) && !credentials.is_empty()).then_some(credentials)
}

/// The first cookie called `name`, percent-decoded.
fn cookie(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|header| header.to_str().ok())
        .flat_map(|header| cookie::Cookie::split_parse_encoded(header).flatten())
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

/// Extracts as `Option<T>`: `None` where `T` would answer 401.
macro_rules! optional {
    ($($ty:ident $(<$param:ident: $bound:path>)?),*) => {$(
        impl$(<$param: $bound>)? FromRequest for Option<$ty$(<$param>)?> {
            async fn from_request(request: &mut Request) -> Result<Self, Rejection> {
                Ok(<$ty$(<$param>)? as FromRequest>::from_request(request).await.ok())
            }
        }
    )*};
}

/// The credentials of `Authorization: Bearer <token>` (FastAPI's `HTTPBearer`,
/// whose value is `HTTPAuthorizationCredentials`).
///
/// Without the header, or with another scheme: 401 `Not authenticated`,
/// `WWW-Authenticate: Bearer`. Documented as the `HTTPBearer` scheme
/// (`{"type": "http", "scheme": "bearer"}`).
///
/// ```
/// use brisk::prelude::*;
/// use brisk::security::HttpBearer;
///
/// #[get("/token")]
/// async fn token(credentials: HttpBearer) -> String {
///     credentials.credentials
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpBearer {
    /// The scheme as the client wrote it (`Bearer`, `bearer`).
    pub scheme: String,
    /// The token.
    pub credentials: String,
}

impl FromRequest for HttpBearer {
    async fn from_request(request: &mut Request) -> Result<Self, Rejection> {
        let credentials = authorization(request, "bearer").ok_or_else(|| not_authenticated("Bearer"))?;
        Ok(HttpBearer { scheme: "Bearer".to_owned(), credentials: credentials.to_owned() })
    }
}

impl SecurityScheme for HttpBearer {
    const NAME: &'static str = "HTTPBearer";

    fn scheme() -> Value {
        json!({ "type": "http", "scheme": "bearer" })
    }
}

/// The user name and password of `Authorization: Basic <base64>` (RFC 7617;
/// FastAPI's `HTTPBasic`, whose value is `HTTPBasicCredentials`).
///
/// Without the header, or with another scheme: 401 `Not authenticated`;
/// credentials that are not base64 of UTF-8 `user:password`: 401
/// `Invalid authentication credentials`; both with `WWW-Authenticate:
/// Basic`. Documented as the `HTTPBasic` scheme. Compare the password with
/// a constant-time comparison, as FastAPI's docs advise.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::security::HttpBasic;
///
/// #[get("/whoami")]
/// async fn whoami(credentials: HttpBasic) -> String {
///     credentials.username
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpBasic {
    /// The user name (before the first `:`).
    pub username: String,
    /// The password (after it).
    pub password: String,
}

impl FromRequest for HttpBasic {
    async fn from_request(request: &mut Request) -> Result<Self, Rejection> {
        use headers::HeaderMapExt;
        use headers::authorization::{Authorization, Basic};
        if authorization(request, "basic").is_none() {
            return Err(not_authenticated("Basic"));
        }
        match request.headers().typed_try_get::<Authorization<Basic>>() {
            Ok(Some(Authorization(basic))) => {
                Ok(HttpBasic { username: basic.username().to_owned(), password: basic.password().to_owned() })
            }
            _ => Err(HttpError::unauthorized("Invalid authentication credentials")
                .with_header("www-authenticate", "Basic")
                .into()),
        }
    }
}

impl SecurityScheme for HttpBasic {
    const NAME: &'static str = "HTTPBasic";

    fn scheme() -> Value {
        json!({ "type": "http", "scheme": "basic" })
    }
}

/// Names an API key for [`ApiKeyHeader`], [`ApiKeyQuery`] and
/// [`ApiKeyCookie`]: where the key is read, and the scheme's name in the
/// document.
///
/// ```
/// use brisk::security::ApiKeyName;
///
/// struct ShopKey;
///
/// impl ApiKeyName for ShopKey {
///     const NAME: &'static str = "x-api-key";
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not name an API key",
    label = "an API key extractor takes a type that implements `ApiKeyName`",
    note = "implement it: `impl brisk::security::ApiKeyName for {Self} {{ const NAME: &'static str = \"x-api-key\"; }}`"
)]
pub trait ApiKeyName: Send + 'static {
    /// The header, query parameter or cookie that carries the key.
    const NAME: &'static str;
    /// The scheme's key in `securitySchemes`; by default FastAPI's (the
    /// extractor's name: `APIKeyHeader`, `APIKeyQuery`, `APIKeyCookie`).
    /// Give each key its own when an app has several of one kind.
    const SCHEME_NAME: Option<&'static str> = None;
    /// The scheme's description in the document.
    const DESCRIPTION: Option<&'static str> = None;
}

fn api_key_scheme<K: ApiKeyName>(location: &str) -> Value {
    let mut scheme = json!({ "type": "apiKey", "in": location, "name": K::NAME });
    if let Some(description) = K::DESCRIPTION {
        scheme["description"] = json!(description);
    }
    scheme
}

macro_rules! api_key {
    ($(#[$doc:meta])* $ty:ident, $scheme:literal, $location:literal, |$request:ident| $read:expr) => {
        $(#[$doc])*
        pub struct $ty<K> {
            /// The key as sent.
            pub key: String,
            name: PhantomData<fn() -> K>,
        }

        impl<K: ApiKeyName> std::fmt::Debug for $ty<K> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                // The key is a secret: it stays out of logs.
                f.debug_struct(stringify!($ty)).field("name", &K::NAME).finish_non_exhaustive()
            }
        }

        impl<K: ApiKeyName> Clone for $ty<K> {
            fn clone(&self) -> Self {
                $ty { key: self.key.clone(), name: PhantomData }
            }
        }

        impl<K: ApiKeyName> FromRequest for $ty<K> {
            async fn from_request($request: &mut Request) -> Result<Self, Rejection> {
                let key: Option<String> = $read;
                match key.filter(|key| !key.is_empty()) {
                    Some(key) => Ok($ty { key, name: PhantomData }),
                    None => Err(not_authenticated("APIKey")),
                }
            }
        }

        impl<K: ApiKeyName> SecurityScheme for $ty<K> {
            const NAME: &'static str = match K::SCHEME_NAME {
                Some(name) => name,
                None => $scheme,
            };

            fn scheme() -> Value {
                api_key_scheme::<K>($location)
            }
        }
    };
}

api_key!(
    /// An API key from the header `K::NAME` (FastAPI's `APIKeyHeader`).
    ///
    /// Without it (or empty): 401 `Not authenticated`, `WWW-Authenticate:
    /// APIKey`. Documented as `{"type": "apiKey", "in": "header"}`.
    ///
    /// ```
    /// use brisk::prelude::*;
    /// use brisk::security::{ApiKeyHeader, ApiKeyName};
    ///
    /// struct ShopKey;
    /// impl ApiKeyName for ShopKey {
    ///     const NAME: &'static str = "x-api-key";
    /// }
    ///
    /// #[get("/stock")]
    /// async fn stock(api_key: ApiKeyHeader<ShopKey>) -> String {
    ///     format!("{} characters", api_key.key.len())
    /// }
    /// ```
    ApiKeyHeader,
    "APIKeyHeader",
    "header",
    |request| request.headers().get(K::NAME).and_then(|value| value.to_str().ok()).map(str::to_owned)
);

api_key!(
    /// An API key from the query parameter `K::NAME` (FastAPI's `APIKeyQuery`).
    ///
    /// Without it (or empty): 401 `Not authenticated`, `WWW-Authenticate:
    /// APIKey`. Documented as `{"type": "apiKey", "in": "query"}`.
    ApiKeyQuery,
    "APIKeyQuery",
    "query",
    |request| {
        let query = request.uri().query().unwrap_or("");
        form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == K::NAME).map(|(_, value)| value.into_owned())
    }
);

api_key!(
    /// An API key from the cookie `K::NAME` (FastAPI's `APIKeyCookie`).
    ///
    /// Without it (or empty): 401 `Not authenticated`, `WWW-Authenticate:
    /// APIKey`. Documented as `{"type": "apiKey", "in": "cookie"}`.
    ApiKeyCookie,
    "APIKeyCookie",
    "cookie",
    |request| cookie(request, K::NAME)
);

/// Names the token endpoint of an [`OAuth2PasswordBearer`], and the scopes
/// the document lists.
///
/// ```
/// use brisk::security::TokenUrl;
///
/// struct Login;
///
/// impl TokenUrl for Login {
///     const TOKEN_URL: &'static str = "/token";
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not name a token URL",
    label = "`OAuth2PasswordBearer` takes a type that implements `TokenUrl`",
    note = "implement it: `impl brisk::security::TokenUrl for {Self} {{ const TOKEN_URL: &'static str = \"/token\"; }}`"
)]
pub trait TokenUrl: Send + 'static {
    /// Where a client trades a user name and password for a token: the
    /// route that takes an [`OAuth2PasswordRequestForm`]. Relative URLs are
    /// resolved against the document's server, as Swagger UI does.
    const TOKEN_URL: &'static str;
    /// Every scope and its description, for the password flow's `scopes`.
    const SCOPES: &'static [(&'static str, &'static str)] = &[];
    /// The scheme's key in `securitySchemes` (default `OAuth2PasswordBearer`).
    const SCHEME_NAME: &'static str = "OAuth2PasswordBearer";
}

/// A bearer token from `Authorization: Bearer <token>`, documented as
/// OAuth2's password flow with `T::TOKEN_URL` (FastAPI's
/// `OAuth2PasswordBearer`), so Swagger UI's Authorize dialog asks for a
/// user name and password, posts them there, and sends the token it gets.
///
/// Without the header, or with another scheme: 401 `Not authenticated`,
/// `WWW-Authenticate: Bearer`.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::security::{OAuth2PasswordBearer, OAuth2PasswordRequestForm, TokenUrl};
///
/// struct Login;
/// impl TokenUrl for Login {
///     const TOKEN_URL: &'static str = "/token";
/// }
///
/// #[post("/token")]
/// async fn token(#[form] form: OAuth2PasswordRequestForm) -> Result<Json<serde_json::Value>, HttpError> {
///     if form.username == "alice" && form.password == "wonderland" {
///         Ok(Json(serde_json::json!({ "access_token": "alice-token", "token_type": "bearer" })))
///     } else {
///         Err(HttpError::bad_request("Incorrect username or password"))
///     }
/// }
///
/// #[get("/me")]
/// async fn me(token: OAuth2PasswordBearer<Login>) -> String {
///     token.token
/// }
/// ```
pub struct OAuth2PasswordBearer<T> {
    /// The token.
    pub token: String,
    url: PhantomData<fn() -> T>,
}

impl<T: TokenUrl> std::fmt::Debug for OAuth2PasswordBearer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth2PasswordBearer").field("token_url", &T::TOKEN_URL).finish_non_exhaustive()
    }
}

impl<T: TokenUrl> Clone for OAuth2PasswordBearer<T> {
    fn clone(&self) -> Self {
        OAuth2PasswordBearer { token: self.token.clone(), url: PhantomData }
    }
}

impl<T: TokenUrl> FromRequest for OAuth2PasswordBearer<T> {
    async fn from_request(request: &mut Request) -> Result<Self, Rejection> {
        let token = authorization(request, "bearer").ok_or_else(|| not_authenticated("Bearer"))?;
        Ok(OAuth2PasswordBearer { token: token.to_owned(), url: PhantomData })
    }
}

impl<T: TokenUrl> SecurityScheme for OAuth2PasswordBearer<T> {
    const NAME: &'static str = T::SCHEME_NAME;

    fn scheme() -> Value {
        let scopes: serde_json::Map<String, Value> =
            T::SCOPES.iter().map(|(scope, description)| ((*scope).to_owned(), json!(description))).collect();
        json!({
            "type": "oauth2",
            "flows": { "password": { "scopes": scopes, "tokenUrl": T::TOKEN_URL } },
        })
    }
}

optional!(HttpBearer, HttpBasic, ApiKeyHeader<K: ApiKeyName>, ApiKeyQuery<K: ApiKeyName>, ApiKeyCookie<K: ApiKeyName>, OAuth2PasswordBearer<T: TokenUrl>);

/// The form of OAuth2's password grant (RFC 6749, 4.3.2; FastAPI's
/// `OAuth2PasswordRequestForm`), taken as a whole-model form:
/// `#[form] form: OAuth2PasswordRequestForm`.
///
/// `username` and `password` are required (422 without them); `scope` is
/// a space-separated list ([`scopes`](Self::scopes)); `grant_type`, when
/// sent, must be `password`; `client_id` and `client_secret` are optional.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema, validator::Validate)]
#[schemars(description = "OAuth2's password grant (RFC 6749, 4.3.2): a user name and password, with \
                          optional scopes (separated by spaces) and client credentials.")]
pub struct OAuth2PasswordRequestForm {
    /// `password`, when sent.
    #[validate(custom(function = "password_grant"))]
    #[schemars(regex(pattern = "^password$"))]
    pub grant_type: Option<String>,
    /// The user name.
    pub username: String,
    /// The password.
    #[schemars(extend("format" = "password"))]
    pub password: String,
    /// The requested scopes, separated by spaces.
    #[serde(default)]
    pub scope: String,
    /// The client's id, when it sends one in the form.
    pub client_id: Option<String>,
    /// The client's secret, when it sends one in the form.
    #[schemars(extend("format" = "password"))]
    pub client_secret: Option<String>,
}

fn password_grant(grant_type: &str) -> Result<(), validator::ValidationError> {
    match grant_type {
        "password" => Ok(()),
        _ => Err(validator::ValidationError::new("grant_type")
            .with_message("grant_type must be \"password\" (RFC 6749, 4.3.2)".into())),
    }
}

impl OAuth2PasswordRequestForm {
    /// The requested scopes: `scope` split on spaces.
    pub fn scopes(&self) -> Vec<&str> {
        self.scope.split(' ').filter(|scope| !scope.is_empty()).collect()
    }
}
