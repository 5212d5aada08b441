//! gatekeeper: quality gates that no agent and no tired human can talk their way through.
//!
//! The binary (`src/main.rs`) only parses and dispatches; every subcommand's glue is in
//! [`commands`], and the work is done by the domain modules beside it. See
//! `docs/ARCHITECTURE.md` for the map and the invariants.

pub mod agent;
pub mod baseline;
pub mod cli;
pub mod commands;
pub mod config;
pub mod data;
pub mod deploy;
pub mod env;
pub mod exit;
pub mod fsutil;
pub mod gates;
pub mod git;
pub mod github;
pub mod hooks;
pub mod import;
pub mod install;
pub mod output;
pub mod process;
pub mod report;
pub mod sacred;
pub mod sandbox;
pub mod signals;
pub mod templates;
pub mod trust;
