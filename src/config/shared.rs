//! A stack shared by the loaded model and the plan built from it.

use std::ops::Deref;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use super::Stack;

/// A [`Stack`] behind a reference count: the plan shares the loaded stack
/// instead of copying it (a copy costs a third of planning a large stack).
/// It reads as the stack and serializes as the stack.
#[derive(Debug, Clone, Default)]
pub struct SharedStack(Arc<Stack>);

impl SharedStack {
    /// Shares `stack`.
    pub fn new(stack: Stack) -> Self {
        Self(Arc::new(stack))
    }
}

impl From<Stack> for SharedStack {
    fn from(stack: Stack) -> Self {
        Self::new(stack)
    }
}

impl Deref for SharedStack {
    type Target = Stack;

    fn deref(&self) -> &Stack {
        &self.0
    }
}

impl Serialize for SharedStack {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}
