// The container registry: base images are pushed here by their owners, custom images (managed/<nick>) by the app,
// package builds run on its ACR Tasks, and AKS pulls the job images from it.

@description('Region of the registry.')
param location string

@description('Registry name (5 to 50 letters and digits).')
@minLength(5)
@maxLength(50)
param name string

@description('Standard or Premium (Premium adds geo-replication, private endpoints and more throughput).')
@allowed([
  'Standard'
  'Premium'
])
param sku string

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' = {
  name: name
  location: location
  sku: { name: sku }
  properties: {
    // Entra ID only: no shared admin password to leak or rotate.
    adminUserEnabled: false
    anonymousPullEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

output name string = registry.name
output loginServer string = registry.properties.loginServer
