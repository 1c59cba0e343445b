// Managed Images, Azure edition: the Functions app (isolated worker, Durable Functions), its storage account
// (host, task hub, tables), the container registry with its push webhook to the app, the AKS cluster that runs the
// jobs, Application Insights, and the role assignments between them (modules/roles.bicep).
// Deploy into a resource group: az deployment group create -g <rg> -f infra/bicep/main.bicep -p ... (README).

metadata description = 'Managed Images: Functions app, storage, ACR, AKS, Application Insights and their role assignments.'

@description('Region of every resource; the resource group\'s by default.')
param location string = resourceGroup().location

@description('Short prefix of the generated names (lower-case letters and digits).')
@minLength(2)
@maxLength(8)
param namePrefix string = 'mimg'

// Names carry a suffix unique to the resource group, so the globally named resources (app, storage, registry)
// do not collide.
@description('Function app name (its host name is <name>.azurewebsites.net).')
param functionAppName string = '${namePrefix}-func-${uniqueString(resourceGroup().id)}'

@description('Storage account name (3 to 24 lower-case letters and digits).')
@maxLength(24)
param storageAccountName string = take('${namePrefix}st${uniqueString(resourceGroup().id)}', 24)

@description('Container registry name (5 to 50 letters and digits).')
param registryName string = '${namePrefix}acr${uniqueString(resourceGroup().id)}'

@description('AKS cluster name.')
param clusterName string = '${namePrefix}-aks'

@description('Function app hosting: FlexConsumption (default) or ElasticPremium.')
@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string = 'FlexConsumption'

@description('Elastic Premium size, when hostingPlan is ElasticPremium.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param premiumSku string = 'EP1'

@description('Most app instances the plan scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of one Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param flexInstanceMemoryMB int = 2048

@description('.NET version of the isolated worker.')
param dotnetVersion string = '10.0'

@description('Registry SKU.')
@allowed([
  'Standard'
  'Premium'
])
param registrySku string = 'Standard'

@description('VM size of the AKS job nodes.')
param aksNodeVmSize string = 'Standard_D2s_v5'

@description('Fewest AKS nodes.')
@minValue(1)
param aksMinNodeCount int = 1

@description('Most AKS nodes.')
@minValue(1)
param aksMaxNodeCount int = 3

@description('AKS tier: Free or Standard (uptime SLA).')
@allowed([
  'Free'
  'Standard'
])
param aksTier string = 'Free'

@description('The Kubernetes namespace jobs run in (created by hand after the deployment, see the README).')
param kubernetesNamespace string = 'managed-images-jobs'

@description('Repositories of this registry that registrations may use as bases: <repository> exactly or <prefix>/* (e.g. library/python, bases/*); the app reads Registry:AllowedBaseRepositories. Empty allows any base.')
param baseRepositories string[] = []

@description('Prefix of the service\'s table names.')
param tablePrefix string = 'managedimages'

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Shared secret the ACR webhook sends in the X-ManagedImages-Webhook-Key header (the app\'s Webhooks:AcrSecret).')
@secure()
@minLength(32)
param acrWebhookSecret string

@description('A function key for the webhook URL (?code=), only while the webhook triggers require one (AuthorizationLevel.Function); empty otherwise.')
@secure()
param acrWebhookFunctionKey string = ''

@description('Client id of the Entra ID app registration with the admin and user app roles; empty leaves App Service authentication off.')
param authClientId string = ''

var suffix = uniqueString(resourceGroup().id)
var appInsightsName = '${namePrefix}-appi-${suffix}'

// The header the app reads the webhook secret from (WebhookOptions.DefaultHeader in src/Api).
var webhookHeaderName = 'X-ManagedImages-Webhook-Key'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: '${namePrefix}-logs-${suffix}'
    appInsightsName: appInsightsName
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: storageAccountName
    deploymentContainerName: 'app-package'
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    location: location
    name: registryName
    sku: registrySku
  }
}

module cluster 'modules/aks.bicep' = {
  name: 'aks'
  params: {
    location: location
    name: clusterName
    nodeVmSize: aksNodeVmSize
    minNodeCount: aksMinNodeCount
    maxNodeCount: aksMaxNodeCount
    tier: aksTier
  }
}

module app 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    name: functionAppName
    planName: '${namePrefix}-plan-${suffix}'
    hostingPlan: hostingPlan
    premiumSku: premiumSku
    maximumInstanceCount: maximumInstanceCount
    flexInstanceMemoryMB: flexInstanceMemoryMB
    dotnetVersion: dotnetVersion
    storageAccountName: storage.outputs.name
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    tablePrefix: tablePrefix
    appInsightsName: appInsightsName
    registryLoginServer: registry.outputs.loginServer
    registryName: registry.outputs.name
    baseRepositories: [for repository in baseRepositories: '${registry.outputs.loginServer}/${repository}']
    aksClusterId: cluster.outputs.id
    kubernetesNamespace: kubernetesNamespace
    acrWebhookSecret: acrWebhookSecret
    authClientId: authClientId
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    appName: functionAppName
    appPrincipalId: app.outputs.principalId
    kubeletPrincipalId: cluster.outputs.kubeletObjectId
    storageAccountName: storageAccountName
    registryName: registryName
    appInsightsName: appInsightsName
    clusterName: clusterName
    kubernetesNamespace: kubernetesNamespace
  }
}

module webhook 'modules/registry-webhook.bicep' = {
  name: 'registry-webhook'
  params: {
    location: location
    registryName: registryName
    serviceUri: empty(acrWebhookFunctionKey)
      ? 'https://${app.outputs.hostName}/api/webhooks/acr'
      : 'https://${app.outputs.hostName}/api/webhooks/acr?code=${acrWebhookFunctionKey}'
    headerName: webhookHeaderName
    secret: acrWebhookSecret
  }
}

@description('The app\'s base URL; the API is under /api.')
output appUrl string = 'https://${app.outputs.hostName}'

output functionAppName string = app.outputs.name
output registryLoginServer string = registry.outputs.loginServer
output storageAccountName string = storage.outputs.name
output clusterName string = cluster.outputs.name
output deploymentContainerUrl string = storage.outputs.deploymentContainerUrl
