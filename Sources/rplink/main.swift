import RPLinkKit

print("rplink \(RPLink.version)")
