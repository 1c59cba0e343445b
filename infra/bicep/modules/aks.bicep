// The AKS cluster that runs the jobs. Entra ID sign-in with Azure RBAC for Kubernetes authorization (no local
// accounts, no cluster-admin certificate), so the app's identity is granted rights in one namespace by an Azure
// role assignment. Nodes pull job images with the kubelet identity (AcrPull, see roles.bicep): no pull secrets.
// Workload identity is not enabled: job pods run users' images and get no Azure identity.

@description('Region of the cluster.')
param location string

@description('Cluster name.')
param name string

@description('VM size of the job nodes.')
param nodeVmSize string

@description('How many nodes the pool starts with (the autoscaler moves between minNodeCount and maxNodeCount).')
@minValue(1)
param minNodeCount int

@minValue(1)
param maxNodeCount int

@description('Free or Standard (Standard adds the uptime SLA).')
@allowed([
  'Free'
  'Standard'
])
param tier string

resource cluster 'Microsoft.ContainerService/managedClusters@2025-07-01' = {
  name: name
  location: location
  identity: { type: 'SystemAssigned' }
  sku: {
    name: 'Base'
    tier: tier
  }
  properties: {
    dnsPrefix: name
    enableRBAC: true
    disableLocalAccounts: true
    aadProfile: {
      managed: true
      enableAzureRBAC: true
    }
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        osType: 'Linux'
        osSKU: 'AzureLinux'
        type: 'VirtualMachineScaleSets'
        vmSize: nodeVmSize
        count: minNodeCount
        enableAutoScaling: true
        minCount: minNodeCount
        maxCount: maxNodeCount
      }
    ]
    networkProfile: {
      networkPlugin: 'azure'
      networkPluginMode: 'overlay'
    }
    autoUpgradeProfile: {
      upgradeChannel: 'patch'
      nodeOSUpgradeChannel: 'NodeImage'
    }
  }
}

output name string = cluster.name
output id string = cluster.id
output apiServer string = 'https://${cluster.properties.fqdn}'
output kubeletObjectId string = cluster.properties.identityProfile.kubeletidentity.objectId
