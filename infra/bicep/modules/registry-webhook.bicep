// The ACR push webhook to the app (a separate module: it needs the app's host name, and the app needs the
// registry's login server). Every push is sent: a builder's working tag completes its build, any other tag is a
// base push that warms the images recently run on it.

@description('Region of the registry (a webhook lives in its registry\'s region).')
param location string

@description('The registry the webhook belongs to.')
param registryName string

@description('The app\'s ACR webhook endpoint (secure: ACR treats it as a secret, it may carry a function key).')
@secure()
param serviceUri string

@description('The header the app checks the shared secret in.')
param headerName string

@description('The shared secret the webhook sends in that header; the app reads it as Webhooks:AcrSecret.')
@secure()
param secret string

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' existing = {
  name: registryName
}

resource webhook 'Microsoft.ContainerRegistry/registries/webhooks@2025-04-01' = {
  parent: registry
  name: 'managedimagespush'
  location: location
  properties: {
    serviceUri: serviceUri
    customHeaders: {
      '${headerName}': secret
    }
    actions: [
      'push'
    ]
    status: 'enabled'
    // Empty: every repository. Base repositories are whatever users register on, and builders push to managed/*.
    scope: ''
  }
}
