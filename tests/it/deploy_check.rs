//! Integration tests: deploy_check.

#[allow(unused_imports)]
use crate::common;
