import Foundation
import RunnerCore
import Testing

@Suite("PortableMath against the platform's libm")
struct PortableMathTests {
    @Test("exp, log, sin and cos are within one ulp of libm")
    func accuracy() {
        var random = RandomSource(seed: 5)
        for _ in 0..<100_000 {
            let x = random.uniform(-745, 709)
            #expect(ulps(PortableMath.exp(x), Foundation.exp(x)) <= 1, "exp(\(x))")
            let positive = Foundation.exp(random.uniform(-700, 700))
            #expect(ulps(PortableMath.log(positive), Foundation.log(positive)) <= 1, "log(\(positive))")
            let angle = random.uniform(-40, 40)
            #expect(abs(PortableMath.sin(angle) - Foundation.sin(angle)) <= 2 * Double.ulpOfOne, "sin(\(angle))")
            #expect(abs(PortableMath.cos(angle) - Foundation.cos(angle)) <= 2 * Double.ulpOfOne, "cos(\(angle))")
        }
    }

    @Test("special values")
    func specialValues() {
        #expect(PortableMath.exp(0) == 1)
        #expect(PortableMath.exp(710) == .infinity)
        #expect(PortableMath.exp(-746) == 0)
        #expect(PortableMath.exp(.nan).isNaN)
        #expect(PortableMath.exp(-740) > 0, "subnormal results are kept")
        #expect(PortableMath.log(1) == 0)
        #expect(PortableMath.log(0) == -.infinity)
        #expect(PortableMath.log(-1).isNaN)
        #expect(PortableMath.log(.leastNonzeroMagnitude) == Foundation.log(Double.leastNonzeroMagnitude))
        #expect(PortableMath.log1p(1e-20) == 1e-20)
        #expect(PortableMath.log1p(-1) == -.infinity)
        #expect(PortableMath.log1p(.infinity) == .infinity)
        #expect(PortableMath.exp(709.782712893384) == Foundation.exp(709.782712893384), "the largest finite result")
        #expect(PortableMath.sin(.infinity).isNaN && PortableMath.cos(-.infinity).isNaN && PortableMath.sin(.nan).isNaN)
        #expect(PortableMath.sin(-0.0).sign == .minus && PortableMath.sin(1e-300) == 1e-300)
        #expect(abs(PortableMath.sin(1e19)) <= 1, "huge arguments lose accuracy but stay sines")
        #expect(abs(PortableMath.cos(-1e19)) <= 1)
    }

    @Test("loss and sigmoid are finite and exact at the extremes")
    func stableLoss() {
        #expect(logisticLoss(label: 1, output: 1e300) == 0)
        #expect(logisticLoss(label: 1, output: -1e300) == 1e300)
        #expect(logisticLoss(label: -1, output: 1e300) == 1e300)
        #expect(logisticLoss(label: 1, output: 0) == Foundation.log(2))
        #expect(abs(logisticLoss(label: 1, output: -40) - 40) < 1e-15)
        #expect(PortableMath.sigmoid(-1e300) == 0)
        #expect(PortableMath.sigmoid(1e300) == 1)
        #expect(PortableMath.sigmoid(0) == 0.5)
        #expect(PortableMath.sigmoid(-745) > 0)
    }
}
