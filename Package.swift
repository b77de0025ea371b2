// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "rplink",
    products: [
        .executable(name: "rplink", targets: ["rplink"]),
        .library(name: "RPLinkKit", targets: ["RPLinkKit"]),
    ],
    targets: [
        .systemLibrary(
            name: "CYaml",
            path: "Sources/CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "RPLinkKit", dependencies: ["CYaml"]),
        .executableTarget(name: "rplink", dependencies: ["RPLinkKit"]),
        .testTarget(name: "RPLinkKitTests", dependencies: ["RPLinkKit"], exclude: ["Fixtures"]),
        .testTarget(name: "IntegrationTests", dependencies: ["RPLinkKit"], exclude: ["Support/credentials_agent.py", "Support/fault_proxy.py", "Support/kill_proxy.py", "Support/proxy_support.py"]),
    ],
    swiftLanguageModes: [.v6]
)
