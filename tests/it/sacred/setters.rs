//! Go: a helper's call of a setter of the code under test read as the stores it makes
//! (`c.SetOutput(buf)` as `c.SetOut(buf); c.SetErr(buf)` where the package declares each to
//! store `buf` in the same fields), and every way that reading could hide a change refused.

const LIB: &str = "pay/cmd.go";
const FILE: &str = "pay/refund_test.go";
const HELPERS: &str = "pay/helpers_test.go";
const ID: &str = "go:pay/refund_test.go::TestRefundIsExact";

/// The code under test: a command writing to two destinations, with a deprecated setter of
/// both and one setter for each.
const CMD: &str = "package pay\n\nimport (\n\t\"fmt\"\n\t\"io\"\n)\n\ntype Command struct {\n\tout  io.Writer\n\terr  io.Writer\n\tcode int\n}\n\n// SetOutput sets both destinations.\n//\n// Deprecated: use SetOut and SetErr.\nfunc (c *Command) SetOutput(w io.Writer) {\n\tc.out = w\n\tc.err = w\n}\n\n// SetOut sets where the refund is written.\nfunc (c *Command) SetOut(w io.Writer) {\n\tc.out = w\n}\n\n// SetErr sets where the status is written.\nfunc (c *Command) SetErr(w io.Writer) {\n\tc.err = w\n}\n\nfunc (c *Command) Run() {\n\tfmt.Fprint(c.out, \"refund 100\")\n\tfmt.Fprint(c.err, \" done\")\n}\n";

/// A sacred test whose checks compare what its helper returns.
const TEST: &str = "package pay\n\nimport (\n\t\"bytes\"\n\t\"testing\"\n)\n\nfunc run(c *Command) string {\n\tbuf := new(bytes.Buffer)\n\tc.SetOutput(buf)\n\tc.Run()\n\treturn buf.String()\n}\n\n// gatekeeper:sacred\nfunc TestRefundIsExact(t *testing.T) {\n\tc := &Command{}\n\tif got := run(c); got != \"refund 100 done\" {\n\t\tt.Fatalf(\"got %q\", got)\n\t}\n}\n";

const SETS_BOTH: &str = "\tc.SetOutput(buf)\n";
const SETS_EACH: &str = "\tc.SetOut(buf)\n\tc.SetErr(buf)\n";

fn locked() -> super::Locked {
    super::locked(&[(LIB, CMD), (FILE, TEST)])
}

#[test]
fn a_deprecated_setter_replaced_by_the_setters_it_stands_for_passes() {
    let l = locked();
    l.edit(FILE, TEST, &[(SETS_BOTH, SETS_EACH)]);
    l.assert_passes_checked();
}

#[test]
fn the_same_replacement_in_a_helper_of_another_test_file_passes() {
    let helper = "package pay\n\nimport \"bytes\"\n\nfunc run(c *Command) string {\n\tbuf := new(bytes.Buffer)\n\tc.SetOutput(buf)\n\tc.Run()\n\treturn buf.String()\n}\n";
    let test = "package pay\n\nimport \"testing\"\n\n// gatekeeper:sacred\nfunc TestRefundIsExact(t *testing.T) {\n\tc := &Command{}\n\tif got := run(c); got != \"refund 100 done\" {\n\t\tt.Fatalf(\"got %q\", got)\n\t}\n}\n";
    let l = super::locked(&[(LIB, CMD), (HELPERS, helper), (FILE, test)]);
    l.edit(HELPERS, helper, &[(SETS_BOTH, SETS_EACH)]);
    l.assert_passes_checked();
}

#[test]
fn a_receiver_made_in_the_helper_is_read_too() {
    let test = TEST
        .replace(
            "func run(c *Command) string {\n",
            "func run() string {\n\tc := &Command{}\n",
        )
        .replace("\tc := &Command{}\n\tif got := run(c)", "\tif got := run()");
    let l = super::locked(&[(LIB, CMD), (FILE, &test)]);
    l.edit(FILE, &test, &[(SETS_BOTH, SETS_EACH)]);
    l.assert_passes_checked();
}

/// The helper no longer captures what the command writes to its second destination.
#[test]
fn one_setter_of_two_is_refused() {
    let l = locked();
    l.edit(FILE, TEST, &[(SETS_BOTH, "\tc.SetOut(buf)\n")]);
    l.assert_refused("rebound", ID);
}

/// The second destination gets a buffer of its own, which the helper never reads: the same
/// calls, but not the same stores.
#[test]
fn a_setter_handed_another_value_is_refused() {
    let l = locked();
    l.edit(
        FILE,
        TEST,
        &[(
            SETS_BOTH,
            "\tc.SetOut(buf)\n\tc.SetErr(new(bytes.Buffer))\n",
        )],
    );
    l.assert_refused("rebound", ID);
}

/// The same calls, with the code under test's `SetErr` now storing nothing the caller sees
/// (a value receiver stores into a copy).
#[test]
fn a_setter_with_a_value_receiver_is_refused() {
    let l = locked();
    l.edit(
        LIB,
        CMD,
        &[("func (c *Command) SetErr(", "func (c Command) SetErr(")],
    );
    l.edit(FILE, TEST, &[(SETS_BOTH, SETS_EACH)]);
    l.assert_refused("rebound", ID);
}

/// The same calls, with `SetErr` also writing the expected text itself: a method that does
/// more than store its parameters is read as written.
#[test]
fn a_setter_that_does_more_than_store_its_parameters_is_refused() {
    let l = locked();
    l.edit(
        LIB,
        CMD,
        &[(
            "\tc.err = w\n}\n\nfunc (c *Command) Run",
            "\tc.err = w\n\tfmt.Fprint(w, \"refund 100 done\")\n}\n\nfunc (c *Command) Run",
        )],
    );
    l.edit(FILE, TEST, &[(SETS_BOTH, SETS_EACH)]);
    l.assert_refused("rebound", ID);
}

/// One fresh buffer for both destinations, then one for each: the same stores as read, but
/// no longer the same buffer, and the helper reads only the first.
#[test]
fn a_setter_handed_a_value_made_for_it_is_refused() {
    let test = TEST.replace(
        "\tbuf := new(bytes.Buffer)\n\tc.SetOutput(buf)\n\tc.Run()\n\treturn buf.String()\n",
        "\tc.SetOutput(new(bytes.Buffer))\n\tc.Run()\n\treturn c.out.(*bytes.Buffer).String()\n",
    );
    let l = super::locked(&[(LIB, CMD), (FILE, &test)]);
    l.edit(
        FILE,
        &test,
        &[(
            "\tc.SetOutput(new(bytes.Buffer))\n",
            "\tc.SetOut(new(bytes.Buffer))\n\tc.SetErr(new(bytes.Buffer))\n",
        )],
    );
    l.assert_refused("rebound", ID);
}

/// The same calls, with another file of the package declaring `SetErr` again for some
/// platforms: which one runs depends on where the test is built.
#[test]
fn a_setter_declared_twice_in_the_package_is_refused() {
    let l = locked();
    l.repo.write(
        "pay/cmd_windows.go",
        "//go:build windows\n\npackage pay\n\nimport \"io\"\n\nfunc (c *Command) SetErr(w io.Writer) {\n\tc.out = w\n}\n",
    );
    l.edit(
        LIB,
        CMD,
        &[(
            "func (c *Command) SetErr(w io.Writer) {\n\tc.err = w\n}\n",
            "",
        )],
    );
    l.repo.write(
        "pay/cmd_other.go",
        "//go:build !windows\n\npackage pay\n\nimport \"io\"\n\nfunc (c *Command) SetErr(w io.Writer) {\n\tc.err = w\n}\n",
    );
    l.edit(FILE, TEST, &[(SETS_BOTH, SETS_EACH)]);
    l.assert_refused("rebound", ID);
}

/// A receiver the helper does not declare (a package-level value, whose type gatekeeper does
/// not follow) is read as written.
#[test]
fn a_setter_called_on_a_value_of_unknown_type_is_refused() {
    let test = TEST
        .replace(
            "func run(c *Command) string {\n",
            "var shared = &Command{}\n\nfunc run(c *Command) string {\n",
        )
        .replace(SETS_BOTH, "\tshared.SetOutput(buf)\n");
    let l = super::locked(&[(LIB, CMD), (FILE, &test)]);
    l.edit(
        FILE,
        &test,
        &[(
            "\tshared.SetOutput(buf)\n",
            "\tshared.SetOut(buf)\n\tshared.SetErr(buf)\n",
        )],
    );
    l.assert_refused("rebound", ID);
}

/// The calls made on another value of the same name, declared in a block of the helper: a
/// name declared more than once there is read as written (the command itself no longer gets
/// the buffer).
#[test]
fn a_setter_called_on_a_name_declared_twice_is_refused() {
    let test = TEST.replace(
        "func run(",
        "type recorder struct {\n\tout, err io.Writer\n}\n\nfunc (r *recorder) SetOut(w io.Writer) {\n\tr.out = w\n}\n\nfunc (r *recorder) SetErr(w io.Writer) {\n\tr.err = w\n}\n\nfunc run(",
    ).replace("\t\"bytes\"\n", "\t\"bytes\"\n\t\"io\"\n");
    let l = super::locked(&[(LIB, CMD), (FILE, &test)]);
    l.edit(
        FILE,
        &test,
        &[(
            SETS_BOTH,
            "\t{\n\t\tc := &recorder{}\n\t\tc.SetOut(buf)\n\t\tc.SetErr(buf)\n\t}\n",
        )],
    );
    l.assert_refused("rebound", ID);
}

/// The calls made on a package-level value whose name a function literal of the helper takes
/// as a parameter of the setters' type: outside that literal the name is the package-level
/// value, of another type whose methods are not setters, so the calls are read as written.
#[test]
fn a_setter_called_outside_the_scope_of_the_one_declaration_of_its_name_is_refused() {
    let test = TEST
        .replace(
            "func run(",
            "type other struct{}\n\nfunc (o *other) SetOutput(w io.Writer) {}\n\nfunc (o *other) SetOut(w io.Writer) {}\n\nfunc (o *other) SetErr(w io.Writer) {}\n\nvar c = &other{}\n\nfunc run(",
        )
        .replace("func run(c *Command) string {\n", "func run(cmd *Command) string {\n\tf := func(c *Command) {}\n\t_ = f\n")
        .replace("\tc.Run()\n", "\tcmd.Run()\n")
        .replace("\t\"bytes\"\n", "\t\"bytes\"\n\t\"io\"\n");
    let l = super::locked(&[(LIB, CMD), (FILE, &test)]);
    l.edit(FILE, &test, &[(SETS_BOTH, SETS_EACH)]);
    l.assert_refused("rebound", ID);
}
