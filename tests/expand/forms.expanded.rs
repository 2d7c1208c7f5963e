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
impl ::brisk::__private::Endpoint for login {
    const INFO: ::brisk::__private::RouteInfo = ::brisk::__private::RouteInfo {
        method: ::brisk::__private::Method::POST,
        path: "/login",
        name: "login",
        tags: &[],
        dependencies: &[],
        body: ::brisk::__private::BodyReader::Form,
        params: &[],
        request_body: &[
            ::brisk::__private::BodyField {
                name: "username",
                kind: ::brisk::__private::BodyKind::Form,
                required: true,
                schema: |generator| ::brisk::__private::BodySchema {
                    schema: {
                        #[allow(unused_imports)]
                        use ::brisk::__private::{
                            Described as _, Serializable as _, Undescribed as _,
                            Unserializable as _,
                        };
                        let schema = (&&::brisk::__private::SchemaOf::<String>::new())
                            .schema(generator);
                        schema
                    },
                    whole: false,
                },
            },
            ::brisk::__private::BodyField {
                name: "password",
                kind: ::brisk::__private::BodyKind::Form,
                required: true,
                schema: |generator| ::brisk::__private::BodySchema {
                    schema: {
                        #[allow(unused_imports)]
                        use ::brisk::__private::{
                            Described as _, Serializable as _, Undescribed as _,
                            Unserializable as _,
                        };
                        let mut schema = (&&::brisk::__private::SchemaOf::<
                            String,
                        >::new())
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
                    schema: {
                        #[allow(unused_imports)]
                        use ::brisk::__private::{
                            Described as _, Serializable as _, Undescribed as _,
                            Unserializable as _,
                        };
                        let schema = (&&::brisk::__private::SchemaOf::<
                            Option<bool>,
                        >::new())
                            .schema(generator);
                        schema
                    },
                    whole: false,
                },
            },
        ],
        response: |generator| {
            #[allow(unused_imports)]
            use ::brisk::__private::{DescribedResponse as _, UndescribedResponse as _};
            (&&::brisk::__private::ResponseOf::<String>::new()).describe(generator)
        },
        security: &[],
        states: &[],
        responses: &[],
        summary: ::core::option::Option::None,
        description: ::core::option::Option::None,
        deprecated: false,
        operation_id: ::core::option::Option::None,
        include_in_schema: true,
        status_code: ::core::option::Option::None,
    };
    fn call(
        &self,
        request: ::brisk::__private::Request,
    ) -> impl ::core::future::Future<
        Output = ::brisk::__private::Response,
    > + ::core::marker::Send {
        ::brisk::__private::drive1::<Self>(request)
    }
}
impl ::brisk::__private::Chain for login {
    type State = (
        ::core::option::Option<String>,
        ::core::option::Option<String>,
        ::core::option::Option<Option<bool>>,
    );
    type Args = (String, String, Option<bool>);
    type Output = String;
    type Carry = ();
    #[allow(unused_variables, unused_mut)]
    fn begin(
        request: &mut ::brisk::__private::Request,
        errors: &mut ::brisk::__private::Errors,
    ) -> Self::State {
        let mut state: Self::State = (
            ::core::option::Option::None,
            ::core::option::Option::None,
            ::core::option::Option::None,
        );
        state
    }
    #[allow(unused_variables)]
    fn args(
        state: Self::State,
        errors: &mut ::brisk::__private::Errors,
    ) -> ::core::option::Option<Self::Args> {
        let (
            ::core::option::Option::Some(username),
            ::core::option::Option::Some(password),
            ::core::option::Option::Some(remember),
        ) = state else {
            return ::core::option::Option::None;
        };
        if !errors.is_empty() {
            return ::core::option::Option::None;
        }
        ::core::option::Option::Some((username, password, remember))
    }
    #[allow(unused_variables)]
    fn handle(
        args: Self::Args,
        request: ::brisk::__private::Request,
    ) -> (impl ::core::future::Future<Output = Self::Output>, Self::Carry) {
        let handler = login;
        let file_request = ();
        let (username, password, remember) = args;
        (handler(username, password, remember), file_request)
    }
}
impl ::brisk::__private::Step<0> for login {
    type Out = ();
    fn start<'a>(
        request: &'a mut ::brisk::__private::Request,
        errors: &'a mut ::brisk::__private::Errors,
    ) -> impl ::core::future::Future<Output = Self::Out> + 'a {
        ::brisk::__private::read_form(request, errors)
    }
    #[allow(unused_variables)]
    fn keep(
        state: &mut Self::State,
        out: Self::Out,
        request: &mut ::brisk::__private::Request,
        errors: &mut ::brisk::__private::Errors,
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
impl ::brisk::__private::Respond for login {
    #[allow(unused_variables)]
    fn respond(
        output: Self::Output,
        file_request: Self::Carry,
    ) -> ::brisk::__private::Response {
        ::brisk::__private::IntoResponse::into_response(output)
    }
}
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
impl ::brisk::__private::Endpoint for upload {
    const INFO: ::brisk::__private::RouteInfo = ::brisk::__private::RouteInfo {
        method: ::brisk::__private::Method::POST,
        path: "/upload",
        name: "upload",
        tags: &[],
        dependencies: &[],
        body: ::brisk::__private::BodyReader::Form,
        params: &[],
        request_body: &[
            ::brisk::__private::BodyField {
                name: "description",
                kind: ::brisk::__private::BodyKind::Form,
                required: true,
                schema: |generator| ::brisk::__private::BodySchema {
                    schema: {
                        #[allow(unused_imports)]
                        use ::brisk::__private::{
                            Described as _, Serializable as _, Undescribed as _,
                            Unserializable as _,
                        };
                        let schema = (&&::brisk::__private::SchemaOf::<String>::new())
                            .schema(generator);
                        schema
                    },
                    whole: false,
                },
            },
            ::brisk::__private::BodyField {
                name: "contact",
                kind: ::brisk::__private::BodyKind::Form,
                required: true,
                schema: |generator| ::brisk::__private::BodySchema {
                    schema: {
                        #[allow(unused_imports)]
                        use ::brisk::__private::{
                            Described as _, Serializable as _, Undescribed as _,
                            Unserializable as _,
                        };
                        let schema = (&&::brisk::__private::SchemaOf::<Contact>::new())
                            .schema(generator);
                        schema
                    },
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
                    schema: {
                        #[allow(unused_imports)]
                        use ::brisk::__private::{
                            Described as _, Serializable as _, Undescribed as _,
                            Unserializable as _,
                        };
                        let schema = (&&::brisk::__private::SchemaOf::<
                            UploadFile,
                        >::new())
                            .schema(generator);
                        schema
                    },
                    whole: false,
                },
            },
            ::brisk::__private::BodyField {
                name: "extra",
                kind: ::brisk::__private::BodyKind::File,
                required: false,
                schema: |generator| ::brisk::__private::BodySchema {
                    schema: {
                        #[allow(unused_imports)]
                        use ::brisk::__private::{
                            Described as _, Serializable as _, Undescribed as _,
                            Unserializable as _,
                        };
                        let schema = (&&::brisk::__private::SchemaOf::<
                            Vec<UploadFile>,
                        >::new())
                            .schema(generator);
                        schema
                    },
                    whole: false,
                },
            },
        ],
        response: |generator| {
            #[allow(unused_imports)]
            use ::brisk::__private::{DescribedResponse as _, UndescribedResponse as _};
            (&&::brisk::__private::ResponseOf::<String>::new()).describe(generator)
        },
        security: &[],
        states: &[],
        responses: &[],
        summary: ::core::option::Option::None,
        description: ::core::option::Option::None,
        deprecated: false,
        operation_id: ::core::option::Option::None,
        include_in_schema: true,
        status_code: ::core::option::Option::None,
    };
    fn call(
        &self,
        request: ::brisk::__private::Request,
    ) -> impl ::core::future::Future<
        Output = ::brisk::__private::Response,
    > + ::core::marker::Send {
        ::brisk::__private::drive1::<Self>(request)
    }
}
impl ::brisk::__private::Chain for upload {
    type State = (
        ::core::option::Option<String>,
        ::core::option::Option<Contact>,
        ::core::option::Option<UploadFile>,
        ::core::option::Option<Vec<UploadFile>>,
    );
    type Args = (String, Contact, UploadFile, Vec<UploadFile>);
    type Output = String;
    type Carry = ();
    #[allow(unused_variables, unused_mut)]
    fn begin(
        request: &mut ::brisk::__private::Request,
        errors: &mut ::brisk::__private::Errors,
    ) -> Self::State {
        let mut state: Self::State = (
            ::core::option::Option::None,
            ::core::option::Option::None,
            ::core::option::Option::None,
            ::core::option::Option::None,
        );
        state
    }
    #[allow(unused_variables)]
    fn args(
        state: Self::State,
        errors: &mut ::brisk::__private::Errors,
    ) -> ::core::option::Option<Self::Args> {
        let (
            ::core::option::Option::Some(description),
            ::core::option::Option::Some(contact),
            ::core::option::Option::Some(file),
            ::core::option::Option::Some(extras),
        ) = state else {
            return ::core::option::Option::None;
        };
        if !errors.is_empty() {
            return ::core::option::Option::None;
        }
        ::core::option::Option::Some((description, contact, file, extras))
    }
    #[allow(unused_variables)]
    fn handle(
        args: Self::Args,
        request: ::brisk::__private::Request,
    ) -> (impl ::core::future::Future<Output = Self::Output>, Self::Carry) {
        let handler = upload;
        let file_request = ();
        let (description, contact, file, extras) = args;
        (handler(description, contact, file, extras), file_request)
    }
}
impl ::brisk::__private::Step<0> for upload {
    type Out = ();
    fn start<'a>(
        request: &'a mut ::brisk::__private::Request,
        errors: &'a mut ::brisk::__private::Errors,
    ) -> impl ::core::future::Future<Output = Self::Out> + 'a {
        ::brisk::__private::read_form(request, errors)
    }
    #[allow(unused_variables)]
    fn keep(
        state: &mut Self::State,
        out: Self::Out,
        request: &mut ::brisk::__private::Request,
        errors: &mut ::brisk::__private::Errors,
    ) {
        let description = ::brisk::__private::Param::<String>::form("description")
            .extract(request, errors);
        state.0 = description;
        let contact: ::core::option::Option<Contact> = {
            #[allow(unused_imports)]
            use ::brisk::__private::{FormField as _, FormModel as _};
            (&&::brisk::__private::FormTarget::<Contact>::new("contact"))
                .extract_form(request, errors)
                .filter(|value| ::brisk::__private::validate_body!(value, errors))
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
impl ::brisk::__private::Respond for upload {
    #[allow(unused_variables)]
    fn respond(
        output: Self::Output,
        file_request: Self::Carry,
    ) -> ::brisk::__private::Response {
        ::brisk::__private::IntoResponse::into_response(output)
    }
}
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
impl ::brisk::__private::Endpoint for report {
    const INFO: ::brisk::__private::RouteInfo = ::brisk::__private::RouteInfo {
        method: ::brisk::__private::Method::GET,
        path: "/report",
        name: "report",
        tags: &[],
        dependencies: &[],
        body: ::brisk::__private::BodyReader::None,
        params: &[],
        request_body: &[],
        response: |generator| {
            #[allow(unused_imports)]
            use ::brisk::__private::{DescribedResponse as _, UndescribedResponse as _};
            (&&::brisk::__private::ResponseOf::<
                Result<brisk::response::FileResponse, HttpError>,
            >::new())
                .describe(generator)
        },
        security: &[],
        states: &[],
        responses: &[],
        summary: ::core::option::Option::None,
        description: ::core::option::Option::None,
        deprecated: false,
        operation_id: ::core::option::Option::None,
        include_in_schema: true,
        status_code: ::core::option::Option::None,
    };
    fn call(
        &self,
        request: ::brisk::__private::Request,
    ) -> impl ::core::future::Future<
        Output = ::brisk::__private::Response,
    > + ::core::marker::Send {
        ::brisk::__private::drive_bare::<Self>(request)
    }
}
impl ::brisk::__private::Chain for report {
    type State = ();
    type Args = ();
    type Output = Result<brisk::response::FileResponse, HttpError>;
    type Carry = ::brisk::__private::FileRequest;
    #[allow(unused_variables, unused_mut)]
    fn begin(
        request: &mut ::brisk::__private::Request,
        errors: &mut ::brisk::__private::Errors,
    ) -> Self::State {
        let mut state: Self::State = ();
        state
    }
    #[allow(unused_variables)]
    fn args(
        state: Self::State,
        errors: &mut ::brisk::__private::Errors,
    ) -> ::core::option::Option<Self::Args> {
        let () = state;
        ::core::option::Option::Some(())
    }
    #[allow(unused_variables)]
    fn handle(
        args: Self::Args,
        request: ::brisk::__private::Request,
    ) -> (impl ::core::future::Future<Output = Self::Output>, Self::Carry) {
        let handler = report;
        let file_request = ::brisk::__private::FileRequest::capture(
            request.method(),
            request.headers(),
        );
        let () = args;
        (handler(), file_request)
    }
}
impl ::brisk::__private::Respond for report {
    #[allow(unused_variables)]
    fn respond(
        output: Self::Output,
        file_request: Self::Carry,
    ) -> ::brisk::__private::Response {
        let output = ::brisk::__private::ResolveFile::resolve(output, &file_request);
        ::brisk::__private::IntoResponse::into_response(output)
    }
}
