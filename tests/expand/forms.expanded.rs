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
        const INFO: __brisk::RouteInfo = __brisk::RouteInfo {
            method: __brisk::Method::POST,
            path: "/login",
            name: "login",
            body: __brisk::BodyReader::Form,
            request_body: &[
                __brisk::BodyField {
                    name: "username",
                    kind: __brisk::BodyKind::Form,
                    required: true,
                    schema: |generator| __brisk::BodySchema {
                        schema: __brisk::SchemaOf::<String>::new().schema(generator),
                        whole: false,
                    },
                },
                __brisk::BodyField {
                    name: "password",
                    kind: __brisk::BodyKind::Form,
                    required: true,
                    schema: |generator| __brisk::BodySchema {
                        schema: {
                            let mut schema = __brisk::SchemaOf::<String>::new()
                                .schema(generator);
                            __brisk::constrain(
                                &mut schema,
                                "minLength",
                                __brisk::bound(8),
                            );
                            schema
                        },
                        whole: false,
                    },
                },
                __brisk::BodyField {
                    name: "remember",
                    kind: __brisk::BodyKind::Form,
                    required: false,
                    schema: |generator| __brisk::BodySchema {
                        schema: __brisk::SchemaOf::<Option<bool>>::new()
                            .schema(generator),
                        whole: false,
                    },
                },
            ],
            response: |generator| {
                __brisk::ResponseOf::<String>::new().describe(generator)
            },
            ..__brisk::RouteInfo::DEFAULT
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
        const CHECK_ERRORS: bool = true;
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            (login(args.0, args.1, args.2), ())
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
            let username = __brisk::Param::<String>::form("username")
                .extract(request, errors);
            state.0 = username;
            let password = __brisk::Param::<String>::form("password")
                .min_length(8)
                .extract(request, errors);
            state.1 = password;
            let remember = __brisk::Param::<Option<bool>>::form("remember")
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
        const INFO: __brisk::RouteInfo = __brisk::RouteInfo {
            method: __brisk::Method::POST,
            path: "/upload",
            name: "upload",
            body: __brisk::BodyReader::Form,
            request_body: &[
                __brisk::BodyField {
                    name: "description",
                    kind: __brisk::BodyKind::Form,
                    required: true,
                    schema: |generator| __brisk::BodySchema {
                        schema: __brisk::SchemaOf::<String>::new().schema(generator),
                        whole: false,
                    },
                },
                __brisk::BodyField {
                    name: "contact",
                    kind: __brisk::BodyKind::Form,
                    required: true,
                    schema: |generator| __brisk::BodySchema {
                        schema: __brisk::SchemaOf::<Contact>::new().schema(generator),
                        whole: {
                            #[allow(unused_imports)]
                            use ::brisk::__private::{FieldForm as _, ModelForm as _};
                            (&&__brisk::WholeForm::<Contact>::new()).whole()
                        },
                    },
                },
                __brisk::BodyField {
                    name: "file",
                    kind: __brisk::BodyKind::File,
                    required: true,
                    schema: |generator| __brisk::BodySchema {
                        schema: __brisk::SchemaOf::<UploadFile>::new().schema(generator),
                        whole: false,
                    },
                },
                __brisk::BodyField {
                    name: "extra",
                    kind: __brisk::BodyKind::File,
                    required: false,
                    schema: |generator| __brisk::BodySchema {
                        schema: __brisk::SchemaOf::<Vec<UploadFile>>::new()
                            .schema(generator),
                        whole: false,
                    },
                },
            ],
            response: |generator| {
                __brisk::ResponseOf::<String>::new().describe(generator)
            },
            ..__brisk::RouteInfo::DEFAULT
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
        const CHECK_ERRORS: bool = true;
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            (upload(args.0, args.1, args.2, args.3), ())
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
            let description = __brisk::Param::<String>::form("description")
                .extract(request, errors);
            state.0 = description;
            let contact: ::core::option::Option<Contact> = {
                #[allow(unused_imports)]
                use ::brisk::__private::{FormField as _, FormModel as _};
                (&&__brisk::FormTarget::<Contact>::new("contact"))
                    .extract_form(request, errors)
                    .filter(|value| __brisk::Validated::new(value).check(errors))
            };
            state.1 = contact;
            let file = __brisk::upload::<UploadFile>("file", request, errors);
            state.2 = file;
            let extras = __brisk::upload::<Vec<UploadFile>>("extra", request, errors);
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
        const INFO: __brisk::RouteInfo = __brisk::RouteInfo {
            method: __brisk::Method::GET,
            path: "/report",
            name: "report",
            response: |generator| {
                __brisk::ResponseOf::<
                    Result<brisk::response::FileResponse, HttpError>,
                >::new()
                    .describe(generator)
            },
            ..__brisk::RouteInfo::DEFAULT
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
        fn handle(
            args: Self::Args,
            request: __brisk::Request,
        ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
            let file_request = __brisk::FileRequest::capture(
                request.method(),
                request.headers(),
            );
            (report(), file_request)
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
