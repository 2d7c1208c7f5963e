use brisk::prelude::*;
async fn login(username: String, password: String, remember: Option<bool>) -> String {
    format!("{username} {} {remember:?}", password.len())
}
const _: () = {
    #[allow(dead_code)]
    struct SendFuture(
        [(); {
            let _ = |argument0: String, argument1: String, argument2: Option<bool>| ::brisk::__private::assert_send(
                login(argument0, argument1, argument2),
            );
            0
        }],
    );
};
/// The `POST /login` route of [`login()`]; register it with `routes![login]`.
#[allow(non_camel_case_types)]
struct login {}
#[allow(unused_variables, unused_mut)]
const _: () = {
    use ::brisk::__private as __brisk;
    impl __brisk::Endpoint for login {
        const INFO: __brisk::RouteInfo = ::brisk::__private::RouteInfo {
            method: ::brisk::__private::Method::POST,
            path: "/login",
            name: "login",
            body: ::brisk::__private::BodyReader::Form,
            request_body: &[
                ::brisk::__private::BodyField {
                    name: "username",
                    kind: ::brisk::__private::BodyKind::Form,
                    required: true,
                    schema: |generator| ::brisk::__private::BodySchema {
                        schema: ::brisk::__private::SchemaOf::<String>::new()
                            .schema(generator),
                        whole: false,
                    },
                },
                ::brisk::__private::BodyField {
                    name: "password",
                    kind: ::brisk::__private::BodyKind::Form,
                    required: true,
                    schema: |generator| ::brisk::__private::BodySchema {
                        schema: {
                            let mut schema = ::brisk::__private::SchemaOf::<
                                String,
                            >::new()
                                .schema(generator);
                            ::brisk::__private::constrain(
                                &mut schema,
                                "minLength",
                                ::brisk::__private::bound(8),
                            );
                            schema
                        },
                        whole: false,
                    },
                },
                ::brisk::__private::BodyField {
                    name: "remember",
                    kind: ::brisk::__private::BodyKind::Form,
                    required: false,
                    schema: |generator| ::brisk::__private::BodySchema {
                        schema: ::brisk::__private::SchemaOf::<Option<bool>>::new()
                            .schema(generator),
                        whole: false,
                    },
                },
            ],
            response: |generator| {
                ::brisk::__private::ResponseOf::<String>::new().describe(generator)
            },
            ..::brisk::__private::RouteInfo::DEFAULT
        };
        fn call(
            &self,
            request: __brisk::Request,
        ) -> impl __brisk::Future<Output = __brisk::Response> + ::core::marker::Send {
            __brisk::drive1::<Self>(request)
        }
    }
    impl __brisk::Chain for login {
        type State = (
            __brisk::Option<String>,
            __brisk::Option<String>,
            __brisk::Option<Option<bool>>,
        );
        type Args = (String, String, Option<bool>);
        type Output = String;
        type Carry = ();
        fn begin(
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) -> Self::State {
            let mut state: Self::State = (
                __brisk::Option::None,
                __brisk::Option::None,
                __brisk::Option::None,
            );
            state
        }
        fn args(
            state: Self::State,
            errors: &mut __brisk::Errors,
        ) -> __brisk::Option<Self::Args> {
            let (
                __brisk::Option::Some(username),
                __brisk::Option::Some(password),
                __brisk::Option::Some(remember),
            ) = state else {
                return __brisk::Option::None;
            };
            if !errors.is_empty() {
                return __brisk::Option::None;
            }
            __brisk::Option::Some((username, password, remember))
        }
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            let handler = login;
            let file_request = ();
            let (username, password, remember) = args;
            (handler(username, password, remember), file_request)
        }
    }
    impl __brisk::Step<0> for login {
        type Out = ();
        fn start<'a>(
            request: &'a mut __brisk::Request,
            errors: &'a mut __brisk::Errors,
        ) -> impl __brisk::Future<Output = Self::Out> + 'a {
            __brisk::read_form(request, errors)
        }
        fn keep(
            state: &mut Self::State,
            out: Self::Out,
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) {
            let username = ::brisk::__private::Param::<String>::form("username")
                .extract(request, errors);
            state.0 = username;
            let password = ::brisk::__private::Param::<String>::form("password")
                .min_length(8)
                .extract(request, errors);
            state.1 = password;
            let remember = ::brisk::__private::Param::<Option<bool>>::form("remember")
                .extract(request, errors);
            state.2 = remember;
        }
    }
    impl __brisk::Respond for login {
        fn respond(
            output: Self::Output,
            file_request: Self::Carry,
        ) -> __brisk::Response {
            __brisk::IntoResponse::into_response(output)
        }
    }
};
#[derive(Deserialize)]
struct Contact {
    email: String,
}
async fn upload(
    description: String,
    contact: Contact,
    file: UploadFile,
    extras: Vec<UploadFile>,
) -> String {
    format!("{description} {} {:?} {}", contact.email, file.filename(), extras.len())
}
const _: () = {
    #[allow(dead_code)]
    struct SendFuture(
        [(); {
            let _ = |
                argument0: String,
                argument1: Contact,
                argument2: UploadFile,
                argument3: Vec<UploadFile>|
            ::brisk::__private::assert_send(
                upload(argument0, argument1, argument2, argument3),
            );
            0
        }],
    );
};
/// The `POST /upload` route of [`upload()`]; register it with `routes![upload]`.
#[allow(non_camel_case_types)]
struct upload {}
#[allow(unused_variables, unused_mut)]
const _: () = {
    use ::brisk::__private as __brisk;
    impl __brisk::Endpoint for upload {
        const INFO: __brisk::RouteInfo = ::brisk::__private::RouteInfo {
            method: ::brisk::__private::Method::POST,
            path: "/upload",
            name: "upload",
            body: ::brisk::__private::BodyReader::Form,
            request_body: &[
                ::brisk::__private::BodyField {
                    name: "description",
                    kind: ::brisk::__private::BodyKind::Form,
                    required: true,
                    schema: |generator| ::brisk::__private::BodySchema {
                        schema: ::brisk::__private::SchemaOf::<String>::new()
                            .schema(generator),
                        whole: false,
                    },
                },
                ::brisk::__private::BodyField {
                    name: "contact",
                    kind: ::brisk::__private::BodyKind::Form,
                    required: true,
                    schema: |generator| ::brisk::__private::BodySchema {
                        schema: ::brisk::__private::SchemaOf::<Contact>::new()
                            .schema(generator),
                        whole: {
                            #[allow(unused_imports)]
                            use ::brisk::__private::{FieldForm as _, ModelForm as _};
                            (&&::brisk::__private::WholeForm::<Contact>::new()).whole()
                        },
                    },
                },
                ::brisk::__private::BodyField {
                    name: "file",
                    kind: ::brisk::__private::BodyKind::File,
                    required: true,
                    schema: |generator| ::brisk::__private::BodySchema {
                        schema: ::brisk::__private::SchemaOf::<UploadFile>::new()
                            .schema(generator),
                        whole: false,
                    },
                },
                ::brisk::__private::BodyField {
                    name: "extra",
                    kind: ::brisk::__private::BodyKind::File,
                    required: false,
                    schema: |generator| ::brisk::__private::BodySchema {
                        schema: ::brisk::__private::SchemaOf::<Vec<UploadFile>>::new()
                            .schema(generator),
                        whole: false,
                    },
                },
            ],
            response: |generator| {
                ::brisk::__private::ResponseOf::<String>::new().describe(generator)
            },
            ..::brisk::__private::RouteInfo::DEFAULT
        };
        fn call(
            &self,
            request: __brisk::Request,
        ) -> impl __brisk::Future<Output = __brisk::Response> + ::core::marker::Send {
            __brisk::drive1::<Self>(request)
        }
    }
    impl __brisk::Chain for upload {
        type State = (
            __brisk::Option<String>,
            __brisk::Option<Contact>,
            __brisk::Option<UploadFile>,
            __brisk::Option<Vec<UploadFile>>,
        );
        type Args = (String, Contact, UploadFile, Vec<UploadFile>);
        type Output = String;
        type Carry = ();
        fn begin(
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) -> Self::State {
            let mut state: Self::State = (
                __brisk::Option::None,
                __brisk::Option::None,
                __brisk::Option::None,
                __brisk::Option::None,
            );
            state
        }
        fn args(
            state: Self::State,
            errors: &mut __brisk::Errors,
        ) -> __brisk::Option<Self::Args> {
            let (
                __brisk::Option::Some(description),
                __brisk::Option::Some(contact),
                __brisk::Option::Some(file),
                __brisk::Option::Some(extras),
            ) = state else {
                return __brisk::Option::None;
            };
            if !errors.is_empty() {
                return __brisk::Option::None;
            }
            __brisk::Option::Some((description, contact, file, extras))
        }
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            let handler = upload;
            let file_request = ();
            let (description, contact, file, extras) = args;
            (handler(description, contact, file, extras), file_request)
        }
    }
    impl __brisk::Step<0> for upload {
        type Out = ();
        fn start<'a>(
            request: &'a mut __brisk::Request,
            errors: &'a mut __brisk::Errors,
        ) -> impl __brisk::Future<Output = Self::Out> + 'a {
            __brisk::read_form(request, errors)
        }
        fn keep(
            state: &mut Self::State,
            out: Self::Out,
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) {
            let description = ::brisk::__private::Param::<String>::form("description")
                .extract(request, errors);
            state.0 = description;
            let contact: ::core::option::Option<Contact> = {
                #[allow(unused_imports)]
                use ::brisk::__private::{FormField as _, FormModel as _};
                (&&::brisk::__private::FormTarget::<Contact>::new("contact"))
                    .extract_form(request, errors)
                    .filter(|value| {
                        ::brisk::__private::Validated::new(value).check(errors)
                    })
            };
            state.1 = contact;
            let file = ::brisk::__private::upload::<UploadFile>("file", request, errors);
            state.2 = file;
            let extras = ::brisk::__private::upload::<
                Vec<UploadFile>,
            >("extra", request, errors);
            state.3 = extras;
        }
    }
    impl __brisk::Respond for upload {
        fn respond(
            output: Self::Output,
            file_request: Self::Carry,
        ) -> __brisk::Response {
            __brisk::IntoResponse::into_response(output)
        }
    }
};
async fn report() -> Result<brisk::response::FileResponse, HttpError> {
    brisk::response::FileResponse::open("report.pdf")
        .await
        .map_err(|_| HttpError::not_found())
}
const _: () = {
    #[allow(dead_code)]
    struct SendFuture(
        [(); {
            let _ = || ::brisk::__private::assert_send(report());
            0
        }],
    );
};
/// The `GET /report` route of [`report()`]; register it with `routes![report]`.
#[allow(non_camel_case_types)]
struct report {}
#[allow(unused_variables, unused_mut)]
const _: () = {
    use ::brisk::__private as __brisk;
    impl __brisk::Endpoint for report {
        const INFO: __brisk::RouteInfo = ::brisk::__private::RouteInfo {
            method: ::brisk::__private::Method::GET,
            path: "/report",
            name: "report",
            response: |generator| {
                ::brisk::__private::ResponseOf::<
                    Result<brisk::response::FileResponse, HttpError>,
                >::new()
                    .describe(generator)
            },
            ..::brisk::__private::RouteInfo::DEFAULT
        };
        fn call(
            &self,
            request: __brisk::Request,
        ) -> impl __brisk::Future<Output = __brisk::Response> + ::core::marker::Send {
            __brisk::drive_bare::<Self>(request)
        }
    }
    impl __brisk::Chain for report {
        type State = ();
        type Args = ();
        type Output = Result<brisk::response::FileResponse, HttpError>;
        type Carry = __brisk::FileRequest;
        fn begin(
            request: &mut __brisk::Request,
            errors: &mut __brisk::Errors,
        ) -> Self::State {
            let mut state: Self::State = ();
            state
        }
        fn args(
            state: Self::State,
            errors: &mut __brisk::Errors,
        ) -> __brisk::Option<Self::Args> {
            let () = state;
            __brisk::Option::Some(())
        }
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            let handler = report;
            let file_request = __brisk::FileRequest::capture(
                request.method(),
                request.headers(),
            );
            let () = args;
            (handler(), file_request)
        }
    }
    impl __brisk::Respond for report {
        fn respond(
            output: Self::Output,
            file_request: Self::Carry,
        ) -> __brisk::Response {
            let output = __brisk::ResolveFile::resolve(output, &file_request);
            __brisk::IntoResponse::into_response(output)
        }
    }
};
