//! Integration tests: run.

#[allow(unused_imports)]
use crate::common;
