//! Request schemas built from the rules that validate, so the API document and the server
//! cannot drift: a field's length, pattern, range and allowed names come from the domain's
//! constants, not from a second copy written in attributes.

use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};

use crate::domain::field::TextRule;

/// A string a rule accepts.
pub fn text(rule: &TextRule) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length((rule.min_chars > 0).then_some(rule.min_chars))
        .max_length(rule.max_chars)
        .pattern(rule.pattern_text())
}

/// Any string.
pub fn any_text() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// One of the given names.
pub fn one_of(names: &[&str]) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names.iter().copied()))
}

/// A whole number in a range.
pub fn whole_number(minimum: u64, maximum: u64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(minimum as f64))
        .maximum(Some(maximum as f64))
}

/// The same schema, `null` allowed too (the server takes `null` as absent).
pub fn or_null(schema: ObjectBuilder, of: Type) -> ObjectBuilder {
    schema.schema_type(SchemaType::from_iter([of, Type::Null]))
}

/// A JSON object a request carries: its fields, which are required, and an example.
pub struct Body {
    object: ObjectBuilder,
}

impl Body {
    pub fn new(description: &str) -> Self {
        Self {
            object: ObjectBuilder::new()
                .schema_type(Type::Object)
                .description(Some(description)),
        }
    }

    /// A field that must be present (and, unless its schema says so, not `null`).
    pub fn required(self, name: &str, schema: ObjectBuilder) -> Self {
        Self {
            object: self.object.property(name, schema).required(name),
        }
    }

    /// A field that may be left out.
    pub fn optional(self, name: &str, schema: ObjectBuilder) -> Self {
        Self {
            object: self.object.property(name, schema),
        }
    }

    pub fn example(self, example: Value) -> RefOr<Schema> {
        self.object.examples([example]).into()
    }
}

/// Gives a request type the schema its rules describe.
#[macro_export]
macro_rules! request_schema {
    ($ty:ty, $schema:expr) => {
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
                $schema
            }
        }
        impl utoipa::ToSchema for $ty {}
    };
}

/// An optional query parameter with its schema.
pub fn query(
    name: &str,
    description: &str,
    schema: ObjectBuilder,
) -> utoipa::openapi::path::Parameter {
    utoipa::openapi::path::ParameterBuilder::new()
        .name(name)
        .parameter_in(utoipa::openapi::path::ParameterIn::Query)
        .required(utoipa::openapi::Required::False)
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

/// Gives a query type the parameters its rules describe.
#[macro_export]
macro_rules! query_parameters {
    ($ty:ty, [$($parameter:expr),* $(,)?]) => {
        impl utoipa::IntoParams for $ty {
            fn into_params(
                _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
            ) -> Vec<utoipa::openapi::path::Parameter> {
                vec![$($parameter),*]
            }
        }
    };
}
