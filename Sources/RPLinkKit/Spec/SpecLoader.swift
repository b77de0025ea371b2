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
        for path in paths { files += try specFiles(at: path) }

        var specs: [Spec] = []
        var diagnostics: [Diagnostic] = []
        var fileOfStack: [String: String] = [:]
        for file in files {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw RPLinkError(.io, "cannot read '\(file)': \(reason(error))")
            }
            let bytes = [UInt8](data)
            if let problem = SpecText.firstInvalidUTF8(in: bytes) {
                diagnostics.append(Diagnostic(file: file, line: problem.line, column: problem.column,
                                              message: "the file is not valid UTF-8 text"))
                continue
            }
            let result = parse(text: String(decoding: bytes, as: UTF8.self), file: file)
            diagnostics += result.diagnostics
            guard let spec = result.spec else { continue }
            if let other = fileOfStack[spec.name] {
                let mark = SpecText.markOfTopLevelKey("name", in: String(decoding: bytes, as: UTF8.self))
                diagnostics.append(Diagnostic(file: file, line: mark.line, column: mark.column,
                                              message: "stack name '\(spec.name)' is already used by \(other)"))
                continue
            }
            fileOfStack[spec.name] = file
            specs.append(spec)
        }
        return SpecLoadResult(specs: specs, diagnostics: diagnostics)
    }

    /// Parses and validates one spec from its text; `file` is used in diagnostics.
    public static func parse(text: String, file: String) -> (spec: Spec?, diagnostics: [Diagnostic]) {
        let read = YAMLReader.read(text)
        guard let root = read.root else {
            let diagnostics = read.problems.map {
                Diagnostic(file: file, line: $0.mark.line, column: $0.mark.column, message: $0.message)
            }
            return (nil, diagnostics)
        }
        var decoder = SpecDecoder(file: file)
        let spec = decoder.decode(root)
        let sorted = decoder.diagnostics.enumerated().sorted {
            ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
        }.map(\.element)
        return (sorted.isEmpty ? spec : nil, sorted)
    }

    /// The spec files a SPEC argument names: the file itself, or a folder's `*.yaml`/`*.yml`.
    private static func specFiles(at path: String) throws(RPLinkError) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw RPLinkError(.io, "cannot read '\(path)': no such file or directory")
        }
        guard isFolder.boolValue else { return [path] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw RPLinkError(.io, "cannot read folder '\(path)': \(reason(error))")
        }
        let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
        let files = names
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
            .map { "\(folder)/\($0)" }
        guard !files.isEmpty else {
            throw RPLinkError(.io, "cannot read '\(path)': the folder holds no spec files (*.yaml, *.yml)")
        }
        return files
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? error.localizedDescription
    }
}
