import { configure } from "@testing-library/react";

// findBy*/waitFor give up after 1 s by default. CI runs these files beside the browser tests on two
// cores, where the first render of a file (i18n bundles, lazy chunks, the fake fetch) has taken longer
// than that and a correct screen was reported as missing. The wait is an upper bound, not a speed
// claim: a screen that never shows its text still fails, only later.
configure({ asyncUtilTimeout: 10_000 });
