import Foundation

/// The specs read from the command line's SPEC arguments, and every problem found in them.
public struct SpecLoadResult: Sendable {
    public var specs: [Spec]
    public var diagnostics: [Diagnostic]
    public init(specs: [Spec], diagnostics: [Diagnostic]) {
        self.specs = specs
        self.diagnostics = diagnostics
    }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Reads and validates spec files: the only way from YAML text to `Spec` values.
public enum SpecLoader {
    /// Loads files and folders of `*.yaml`/`*.yml` (a folder's files in name order).
    /// A path that cannot be read throws; problems inside files come back as diagnostics.
    public static func load(paths: [String]) throws(RPLinkError) -> SpecLoadResult {
        var files: [String] = []
        var seen: Set<String> = []
        for path in paths {
            // A file named twice (`a.yaml` and its folder) is one spec, not a clash with itself.
            for file in try specFiles(at: path) where seen.insert(identity(of: file)).inserted {
                files.append(file)
            }
        }

        var specs: [Spec] = []
        var diagnostics: [Diagnostic] = []
        var fileOfStack: [String: String] = [:]
        for file in files {
            let bytes = try contents(of: file)
            if let problem = SpecText.firstInvalidUTF8(in: bytes) {
                diagnostics.append(Diagnostic(file: file, line: problem.line, column: problem.column,
                                              message: "the file is not valid UTF-8 text"))
                continue
            }
            let result = decode(text: String(decoding: bytes, as: UTF8.self), file: file)
            // Checked for an invalid spec too, so that every problem shows in one run.
            if let (name, mark) = result.stackName {
                if let other = fileOfStack[name] {
                    let clash = Diagnostic(file: file, line: mark.line, column: mark.column,
                                           message: "stack name '\(name)' is already used by \(other)")
                    diagnostics += inFileOrder(result.diagnostics + [clash])
                    continue
                }
                fileOfStack[name] = file
            }
            diagnostics += result.diagnostics
            if let spec = result.spec { specs.append(spec) }
        }
        return SpecLoadResult(specs: specs, diagnostics: diagnostics)
    }

    /// Parses and validates one spec from its text; `file` is used in diagnostics.
    public static func parse(text: String, file: String) -> (spec: Spec?, diagnostics: [Diagnostic]) {
        let result = decode(text: text, file: file)
        return (result.spec, result.diagnostics)
    }

    private static func decode(text: String, file: String) -> (spec: Spec?, diagnostics: [Diagnostic], stackName: (String, YAMLMark)?) {
        let read = YAMLReader.read(text)
        guard let root = read.root else {
            let diagnostics = read.problems.map {
                Diagnostic(file: file, line: $0.mark.line, column: $0.mark.column, message: $0.message)
            }
            return (nil, diagnostics, nil)
        }
        var decoder = SpecDecoder(file: file)
        let spec = decoder.decode(root)
        let sorted = inFileOrder(decoder.diagnostics)
        return (sorted.isEmpty ? spec : nil, sorted, decoder.stackName)
    }

    /// One file's diagnostics by position; those at one place keep the order they were found in.
    private static func inFileOrder(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted {
            ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
        }.map(\.element)
    }

    static let maximumFileSize = 8 << 20

    /// The bytes of a spec file, read as a stream so that `/dev/stdin` and `<(…)` work too.
    private static func contents(of file: String) throws(RPLinkError) -> [UInt8] {
        let descriptor = open(file, O_RDONLY)
        guard descriptor >= 0 else { throw RPLinkError(.io, "cannot read '\(file)': \(RPLinkError.systemReason(errno))") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw RPLinkError(.io, "cannot read '\(file)': \(RPLinkError.systemReason(errno))")
            }
            bytes += buffer[0..<count]
            // A pipe can be endless (`/dev/zero`); a spec is a few kilobytes.
            if bytes.count > maximumFileSize {
                throw RPLinkError(.io, "cannot read '\(file)': it is larger than \(maximumFileSize / (1 << 20)) MiB, far more than any spec")
            }
        }
    }


    /// The same file however it is named: the resolved, standardised absolute path.
    private static func identity(of file: String) -> String {
        URL(fileURLWithPath: file).resolvingSymlinksInPath().standardizedFileURL.path
    }

    /// The spec files a SPEC argument names: the file itself, or a folder's `*.yaml`/`*.yml`.
    private static func specFiles(at path: String) throws(RPLinkError) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            let hint = path == defaultSpecPath ? "; with no SPEC argument rplink reads ./\(defaultSpecPath): name spec files or folders" : ""
            throw RPLinkError(.io, "cannot read '\(path)': no such file or directory\(hint)")
        }
        guard isFolder.boolValue else { return [path] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw RPLinkError(.io, "cannot read folder '\(path)': \(reason(error))")
        }
        let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
        // Hidden files (editor lock and backup files among them) and folders are not specs.
        let files = names
            .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") }
            .sorted()
            .map { "\(folder)/\($0)" }
            .filter { file in
                var isFolder: ObjCBool = false
                return FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) && !isFolder.boolValue
            }
        guard !files.isEmpty else {
            throw RPLinkError(.io, "cannot read '\(path)': the folder holds no spec files (*.yaml, *.yml)")
        }
        return files
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? error.localizedDescription
    }
}
