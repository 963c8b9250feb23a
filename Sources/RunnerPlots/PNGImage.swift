import Foundation

/// A minimal PNG writer for 8-bit palette images, used to embed heat maps in
/// SVG. The pixel data is stored uncompressed, which keeps the writer tiny
/// and its output deterministic.
enum PNGImage {
    /// A `data:` URL holding the image; `indices` are row-major, top row first.
    static func dataURL(width: Int, height: Int, palette: [RGB], indices: [UInt8]) -> String {
        "data:image/png;base64," + Data(encode(width: width, height: height, palette: palette, indices: indices))
            .base64EncodedString()
    }

    static func encode(width: Int, height: Int, palette: [RGB], indices: [UInt8]) -> [UInt8] {
        var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 3, 0, 0, 0]  // bit depth 8, palette colour, deflate, no filter, no interlace
        var scanlines: [UInt8] = []
        for row in 0..<height {
            scanlines.append(0)  // filter type: none
            scanlines += indices[(row * width)..<((row + 1) * width)]
        }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", header)
            + chunk("PLTE", palette.flatMap { [$0.r, $0.g, $0.b] })
            + chunk("IDAT", zlibStored(scanlines))
            + chunk("IEND", [])
    }

    /// A zlib stream of "stored" (uncompressed) deflate blocks.
    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var stream: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let isLast = offset + length == data.count
            stream.append(isLast ? 1 : 0)
            stream += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            stream += data[offset..<(offset + length)]
            offset += length
        } while offset < data.count
        var (a, b): (UInt32, UInt32) = (1, 0)
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return stream + bigEndian(b << 16 | a)
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var c = UInt32(index)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
