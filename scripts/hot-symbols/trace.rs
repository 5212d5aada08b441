//! Prints, in the order they first run, the addresses of the 16-byte code chunks a program
//! executes inside [LO, HI): a single-stepping tracer for `scripts/hot-symbols/generate.sh`.
//!
//!   trace LO_HEX HI_HEX OUT_FILE PROGRAM [ARGS...]
//!
//! The program (and every thread it starts) is stepped one instruction at a time with ptrace;
//! a child it spawns is not followed (only the program's own code is of interest). This is a
//! developer tool, not part of gatekeeper: it is built with plain `rustc` and needs no crate,
//! so it declares the few libc functions it calls itself. Linux on x86-64 only.
#![allow(unsafe_code)]

use std::ffi::CString;
use std::io::Write as _;
use std::os::raw::{c_char, c_int, c_long, c_void};

const PTRACE_TRACEME: c_int = 0;
const PTRACE_PEEKUSER: c_int = 3;
const PTRACE_SINGLESTEP: c_int = 9;
const PTRACE_SETOPTIONS: c_int = 0x4200;
const PTRACE_O_TRACECLONE: c_long = 0x08;
const PTRACE_O_TRACEEXEC: c_long = 0x10;
const PTRACE_O_EXITKILL: c_long = 0x10_0000;
const PTRACE_EVENT_CLONE: c_int = 3;
const PTRACE_EVENT_EXEC: c_int = 4;
const SIGTRAP: c_int = 5;
const SIGSTOP: c_int = 19;
const WALL: c_int = 0x4000_0000;
/// Offset of `rip` in `struct user_regs_struct` (x86-64).
const RIP_OFFSET: c_long = 16 * 8;

unsafe extern "C" {
    fn fork() -> c_int;
    fn ptrace(request: c_int, pid: c_int, addr: *mut c_void, data: *mut c_void) -> c_long;
    fn raise(sig: c_int) -> c_int;
    fn execv(path: *const c_char, argv: *const *const c_char) -> c_int;
    fn waitpid(pid: c_int, status: *mut c_int, options: c_int) -> c_int;
    fn _exit(code: c_int) -> !;
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        eprintln!("usage: trace LO_HEX HI_HEX OUT_FILE PROGRAM [ARGS...]");
        std::process::exit(2);
    }
    let lo = u64::from_str_radix(args[1].trim_start_matches("0x"), 16).expect("LO_HEX");
    let hi = u64::from_str_radix(args[2].trim_start_matches("0x"), 16).expect("HI_HEX");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&args[3]).expect("OUT_FILE"));
    let argv: Vec<CString> = args[4..]
        .iter()
        .map(|a| CString::new(a.as_str()).expect("argument"))
        .collect();
    let mut argv_ptrs: Vec<*const c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    argv_ptrs.push(std::ptr::null());

    let mut seen = vec![false; usize::try_from((hi - lo) / 16 + 1).expect("range")];
    let null = std::ptr::null_mut();
    // SAFETY: plain libc calls; the child only calls async-signal-safe functions before exec.
    unsafe {
        let child = fork();
        if child == 0 {
            ptrace(PTRACE_TRACEME, 0, null, null);
            raise(SIGSTOP);
            execv(argv_ptrs[0], argv_ptrs.as_ptr());
            _exit(127);
        }
        let mut status: c_int = 0;
        waitpid(child, &raw mut status, 0);
        let options = PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
        ptrace(PTRACE_SETOPTIONS, child, null, options as *mut c_void);
        ptrace(PTRACE_SINGLESTEP, child, null, null);
        let mut live = 1;
        let mut exec_seen = false;
        let mut steps: u64 = 0;
        while live > 0 {
            let pid = waitpid(-1, &raw mut status, WALL);
            if pid < 0 {
                break;
            }
            let exited = status & 0x7f == 0;
            let signalled = ((status & 0x7f) + 1) as i8 >> 1 > 0;
            if exited || signalled {
                live -= 1;
                continue;
            }
            let mut deliver = 0;
            if status & 0xff == 0x7f {
                let sig = (status >> 8) & 0xff;
                let event = status >> 16;
                if event == PTRACE_EVENT_CLONE {
                    live += 1;
                } else if event == PTRACE_EVENT_EXEC {
                    exec_seen = true;
                } else if sig == SIGTRAP {
                    steps += 1;
                    let rip = ptrace(PTRACE_PEEKUSER, pid, RIP_OFFSET as *mut c_void, null) as u64;
                    if exec_seen && (lo..hi).contains(&rip) {
                        let i = usize::try_from((rip - lo) / 16).expect("index");
                        if !seen[i] {
                            seen[i] = true;
                            writeln!(out, "{:x}", rip & !15).expect("write");
                        }
                    }
                } else if sig != SIGSTOP {
                    deliver = sig;
                }
            }
            ptrace(PTRACE_SINGLESTEP, pid, null, deliver as usize as *mut c_void);
        }
        eprintln!("trace: {steps} instructions stepped");
    }
    out.flush().expect("write");
}
