//! The macro that defines [`ErrorKind`](super::ErrorKind): each variant
//! carries its whole diagnostic in its own definition.
//!
//! `thiserror` derives the message from `#[error(...)]` and `miette` the code
//! and help line from `#[diagnostic(code(...), help(...))]`. miette's derive
//! can only label spans stored in the error itself, and a kind has no span
//! (the [`Diagnostic`](super::Diagnostic) around it has), so the label sits
//! beside them as `#[label(...)]`, a format string over the variant's fields
//! like the other two. The macro requires all four on every variant, in that
//! order, and adds `code()` and `label()` to the enum.

/// Defines the error-kind enum; see the module doc.
macro_rules! error_kinds {
    (
        $(#[$enum_attr:meta])*
        pub enum $name:ident {
            $(
                $(#[doc = $doc:literal])*
                #[error($($message:tt)+)]
                #[diagnostic(code($code:literal), help($($help:tt)+))]
                #[label($($label:tt)+)]
                $variant:ident { $( $(#[$field_attr:meta])* $field:ident : $type:ty ),* $(,)? },
            )*
        }
    ) => {
        $(#[$enum_attr])*
        pub enum $name {
            $(
                $(#[doc = $doc])*
                #[error($($message)+)]
                #[diagnostic(code($code), help($($help)+))]
                $variant { $( $(#[$field_attr])* $field: $type ),* },
            )*
        }

        impl $name {
            /// The stable diagnostic code (`stackgen::area::name`).
            pub fn code(&self) -> &'static str {
                match self {
                    $( Self::$variant { .. } => $code, )*
                }
            }

            /// The short label drawn under the span.
            #[allow(clippy::useless_format)]
            pub fn label(&self) -> String {
                match self {
                    $(
                        #[allow(unused_variables)]
                        Self::$variant { $($field),* } => format!($($label)+),
                    )*
                }
            }
        }
    };
}
