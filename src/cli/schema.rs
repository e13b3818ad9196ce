//! `stackgen schema`: print the JSON Schema of stack.toml.

use crate::error::Error;

/// Runs `schema`.
pub fn run() -> Result<(), Error> {
    super::print(crate::load::stack_schema_text())
}
