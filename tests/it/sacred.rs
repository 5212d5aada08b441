//! Integration tests: sacred.

#[allow(unused_imports)]
use crate::common;
