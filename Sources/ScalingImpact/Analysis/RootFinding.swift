/// Root finding on a bracketing interval.
public enum RootFinding {
    /// A root of `f` in `[a, b]` by Brent's method, step for step as scipy's `optimize.brentq`
    /// (Charles Harris's `brentq.c`), so that a root found on a plateau of a step function
    /// (as in ``HodgesLehmann``) is the same point scipy finds.
    ///
    /// - Returns: nil when `f(a)` and `f(b)` have the same sign (no bracket) or a value is NaN.
    public static func brent(
        _ a: Double, _ b: Double, xtol: Double = 2e-12, rtol: Double = 4 * Double.ulpOfOne, maxIterations: Int = 100,
        _ f: (Double) -> Double
    ) -> Double? {
        var xpre = a
        var xcur = b
        var xblk = 0.0
        var fblk = 0.0
        var spre = 0.0
        var scur = 0.0
        var fpre = f(xpre)
        var fcur = f(xcur)
        guard !fpre.isNaN, !fcur.isNaN, fpre * fcur <= 0 else { return nil }
        if fpre == 0 { return xpre }
        if fcur == 0 { return xcur }
        for _ in 0..<maxIterations {
            if fpre * fcur < 0 {
                xblk = xpre
                fblk = fpre
                spre = xcur - xpre
                scur = spre
            }
            if abs(fblk) < abs(fcur) {
                xpre = xcur
                xcur = xblk
                xblk = xpre
                fpre = fcur
                fcur = fblk
                fblk = fpre
            }
            let delta = (xtol + rtol * abs(xcur)) / 2
            let sbis = (xblk - xcur) / 2
            if fcur == 0 || abs(sbis) < delta { return xcur }
            if abs(spre) > delta && abs(fcur) < abs(fpre) {
                let stry: Double
                if xpre == xblk {
                    // Interpolate.
                    stry = -fcur * (xcur - xpre) / (fcur - fpre)
                } else {
                    // Extrapolate.
                    let dpre = (fpre - fcur) / (xpre - xcur)
                    let dblk = (fblk - fcur) / (xblk - xcur)
                    stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
                }
                if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta) {
                    // A good short step.
                    spre = scur
                    scur = stry
                } else {
                    spre = sbis
                    scur = sbis
                }
            } else {
                spre = sbis
                scur = sbis
            }
            xpre = xcur
            fpre = fcur
            if abs(scur) > delta {
                xcur += scur
            } else {
                xcur += sbis > 0 ? delta : -delta
            }
            fcur = f(xcur)
            if fcur.isNaN { return nil }
        }
        return xcur
    }
}
